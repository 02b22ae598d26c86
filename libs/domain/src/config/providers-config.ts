import type { IntegrationsOptions } from '@app/integrations';
import { EnvironmentVariables } from './environment';
import { withoutTrailingSlash } from './parse';

type Providers = IntegrationsOptions;

/**
 * Which adapter serves each outside system, with its settings: the offline engine by default,
 * the vendor when its engine variable names it. Files are given (see storage-config).
 */
export function providersConfig(env: EnvironmentVariables, blob: Providers['blob']): Providers {
  return {
    providerTimeoutMs: env.PROVIDER_TIMEOUT_MS,
    kakao: env.KAKAO_CLIENT_ID ? { apiUrl: withoutTrailingSlash(env.KAKAO_API_URL) } : undefined,
    lyrics: lyricsEngine(env),
    publish: { youtube: youtube(env), instagram: instagram(env) },
    search: storeSearch(env),
    song: songEngine(env),
    video: videoEngine(env),
    blob,
    workDir: env.WORK_DIR,
  };
}

function lyricsEngine(env: EnvironmentVariables): Providers['lyrics'] {
  if (env.LYRICS_ENGINE !== 'openai') return { engine: 'template' };
  return {
    engine: 'openai',
    openai: {
      baseUrl: withoutTrailingSlash(env.OPENAI_BASE_URL),
      apiKey: env.OPENAI_API_KEY!,
      model: env.OPENAI_MODEL,
      moderationModel: env.OPENAI_MODERATION_MODEL,
      timeoutMs: env.PROVIDER_TIMEOUT_MS * 6,
      maxRetries: 1,
      maxCompletionTokens: env.OPENAI_MAX_COMPLETION_TOKENS,
    },
  };
}

function youtube(env: EnvironmentVariables): Providers['publish']['youtube'] {
  if (!env.GOOGLE_CLIENT_ID) return undefined;
  return {
    clientId: env.GOOGLE_CLIENT_ID,
    clientSecret: env.GOOGLE_CLIENT_SECRET!,
    authUrl: env.GOOGLE_AUTH_URL,
    tokenUrl: env.GOOGLE_TOKEN_URL,
    // googleapis' rootUrl ends with exactly one slash
    apiUrl: env.YOUTUBE_API_URL.replace(/\/*$/, '/'),
    timeoutMs: env.PROVIDER_TIMEOUT_MS,
    chunkBytes: env.YOUTUBE_UPLOAD_CHUNK_BYTES,
  };
}

function instagram(env: EnvironmentVariables): Providers['publish']['instagram'] {
  if (!env.INSTAGRAM_APP_ID) return undefined;
  return {
    appId: env.INSTAGRAM_APP_ID,
    appSecret: env.INSTAGRAM_APP_SECRET!,
    authUrl: env.INSTAGRAM_AUTH_URL,
    tokenUrl: env.INSTAGRAM_TOKEN_URL,
    graphUrl: withoutTrailingSlash(env.INSTAGRAM_GRAPH_URL),
    timeoutMs: env.PROVIDER_TIMEOUT_MS,
  };
}

function storeSearch(env: EnvironmentVariables): Providers['search'] {
  if (env.STORE_SEARCH_ENGINE !== 'naver') return { engine: 'sample' };
  return {
    engine: 'naver',
    naver: {
      baseUrl: withoutTrailingSlash(env.NAVER_BASE_URL),
      clientId: env.NAVER_CLIENT_ID!,
      clientSecret: env.NAVER_CLIENT_SECRET!,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
    },
  };
}

function songEngine(env: EnvironmentVariables): Providers['song'] {
  if (env.SONG_ENGINE !== 'suno') return { engine: 'synth' };
  return {
    engine: 'suno',
    suno: {
      baseUrl: withoutTrailingSlash(env.SUNO_BASE_URL),
      apiKey: env.SUNO_API_KEY!,
      model: env.SUNO_MODEL,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
      dedupesByKey: env.SUNO_DEDUPES_IDEMPOTENCY_KEY,
      creditsPerSong: env.SUNO_CREDITS_PER_SONG,
    },
  };
}

function videoEngine(env: EnvironmentVariables): Providers['video'] {
  if (env.VIDEO_ENGINE !== 'creatomate') {
    return { engine: 'ffmpeg', ffmpegTimeoutMs: env.FFMPEG_TIMEOUT_MS };
  }
  return {
    engine: 'creatomate',
    creatomate: {
      baseUrl: withoutTrailingSlash(env.CREATOMATE_BASE_URL),
      apiKey: env.CREATOMATE_API_KEY!,
      templateId: env.CREATOMATE_TEMPLATE_ID!,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
      dedupesByKey: env.CREATOMATE_DEDUPES_IDEMPOTENCY_KEY,
    },
    ffmpegTimeoutMs: env.FFMPEG_TIMEOUT_MS,
    fallbackToFfmpeg: env.VIDEO_FALLBACK_TO_FFMPEG,
    fallbackMaxWaitSec: env.VIDEO_FALLBACK_MAX_WAIT_SEC,
  };
}
