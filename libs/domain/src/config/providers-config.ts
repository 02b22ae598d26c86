import type { IntegrationsOptions, SocialPlatform } from '@app/integrations';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDivisibleBy,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { StorageVariables } from './storage-config';
import { staged, toBool, toInt, withoutTrailingSlash } from './parse';

/**
 * The outside systems: which engine serves each port, the vendors' settings, publishing.
 * Each is in .env.example; validateEnvironment (environment.ts) checks them all at once.
 */
export class ProviderVariables extends StorageVariables {
  @Transform(toInt) @IsInt() @Min(1000) PROVIDER_TIMEOUT_MS = 10_000;

  /** sample (bundled made-up stores) | naver (Naver Local Search) */
  @IsIn(['sample', 'naver']) STORE_SEARCH_ENGINE: 'sample' | 'naver' = 'sample';

  @IsUrl({ require_tld: false, require_protocol: true }) NAVER_BASE_URL =
    'https://openapi.naver.com';

  @ValidateIf((o: ProviderVariables) => o.STORE_SEARCH_ENGINE === 'naver')
  @IsString()
  @MinLength(1, { message: 'NAVER_CLIENT_ID is required with STORE_SEARCH_ENGINE=naver' })
  NAVER_CLIENT_ID?: string;

  @ValidateIf((o: ProviderVariables) => o.STORE_SEARCH_ENGINE === 'naver')
  @IsString()
  @MinLength(1, { message: 'NAVER_CLIENT_SECRET is required with STORE_SEARCH_ENGINE=naver' })
  NAVER_CLIENT_SECRET?: string;

  /** template (offline lyrics) | openai */
  @IsIn(['template', 'openai']) LYRICS_ENGINE: 'template' | 'openai' = 'template';

  @IsUrl({ require_tld: false, require_protocol: true }) OPENAI_BASE_URL =
    'https://api.openai.com/v1';

  @ValidateIf((o: ProviderVariables) => o.LYRICS_ENGINE === 'openai')
  @IsString()
  @MinLength(1, { message: 'OPENAI_API_KEY is required with LYRICS_ENGINE=openai' })
  OPENAI_API_KEY?: string;
  @IsString() OPENAI_MODEL = 'gpt-4o-mini';
  @IsString() OPENAI_MODERATION_MODEL = 'omni-moderation-latest';
  /** the moderation check's whole time, its retries included; past it the step fails saying so */
  @Transform(toInt) @IsInt() @Min(1000) @Max(600_000) OPENAI_MODERATION_TIMEOUT_MS = 120_000;

  /** completion tokens allowed for the lyrics; a completion cut short is asked once more with twice as many */
  @Transform(toInt) @IsInt() @Min(100) OPENAI_MAX_COMPLETION_TOKENS = 1500;
  @IsIn(['synth', 'suno']) SONG_ENGINE: 'synth' | 'suno' = 'synth';
  @IsUrl({ require_tld: false, require_protocol: true }) SUNO_BASE_URL = 'https://api.sunoapi.org';

  @ValidateIf((o: ProviderVariables) => o.SONG_ENGINE === 'suno')
  @IsString()
  @MinLength(1, { message: 'SUNO_API_KEY is required with SONG_ENGINE=suno' })
  SUNO_API_KEY?: string;
  @IsString() SUNO_MODEL = 'V4_5';

  /** credits one Suno generation costs: the balance is checked against it before paying */
  @Transform(toInt) @IsInt() @Min(1) SUNO_CREDITS_PER_SONG = 12;

  /** set when the provider deduplicates requests by our Idempotency-Key header (then a crashed submission is simply resent) */
  @Transform(toBool) @IsBoolean() SUNO_DEDUPES_IDEMPOTENCY_KEY = false;
  @IsIn(['ffmpeg', 'creatomate']) VIDEO_ENGINE: 'ffmpeg' | 'creatomate' = 'ffmpeg';

  @IsUrl({ require_tld: false, require_protocol: true }) CREATOMATE_BASE_URL =
    'https://api.creatomate.com';

  @ValidateIf((o: ProviderVariables) => o.VIDEO_ENGINE === 'creatomate')
  @IsString()
  @MinLength(1, { message: 'CREATOMATE_API_KEY is required with VIDEO_ENGINE=creatomate' })
  CREATOMATE_API_KEY?: string;

  @ValidateIf((o: ProviderVariables) => o.VIDEO_ENGINE === 'creatomate')
  @IsString()
  @MinLength(1, { message: 'CREATOMATE_TEMPLATE_ID is required with VIDEO_ENGINE=creatomate' })
  CREATOMATE_TEMPLATE_ID?: string;
  @Transform(toBool) @IsBoolean() CREATOMATE_DEDUPES_IDEMPOTENCY_KEY = false;
  @Transform(toBool) @IsBoolean() VIDEO_FALLBACK_TO_FFMPEG = true;

  /** a Creatomate 429 asking to wait longer than this (s) falls back to FFmpeg; shorter waits are waited */
  @Transform(toInt) @IsInt() @Min(0) VIDEO_FALLBACK_MAX_WAIT_SEC = 120;
  @Transform(toInt) @IsInt() @Min(5000) FFMPEG_TIMEOUT_MS = 300_000;
  @IsOptional() @IsString() GOOGLE_CLIENT_ID?: string;

  @ValidateIf((o: ProviderVariables) => !!o.GOOGLE_CLIENT_ID)
  @IsString()
  @MinLength(1, { message: 'GOOGLE_CLIENT_SECRET is required with GOOGLE_CLIENT_ID' })
  GOOGLE_CLIENT_SECRET?: string;

  @IsUrl({ require_tld: false, require_protocol: true }) GOOGLE_AUTH_URL =
    'https://accounts.google.com/o/oauth2/v2/auth';

  @IsUrl({ require_tld: false, require_protocol: true }) GOOGLE_TOKEN_URL =
    'https://oauth2.googleapis.com/token';

  /** root of the YouTube Data API (googleapis' rootUrl) */
  @IsUrl({ require_tld: false, require_protocol: true }) YOUTUBE_API_URL =
    'https://www.googleapis.com/';

  /** bytes per YouTube upload request, a multiple of 262144 (256 KiB) */
  @Transform(toInt)
  @IsInt()
  @Min(262_144)
  @IsDivisibleBy(262_144, {
    message: 'YOUTUBE_UPLOAD_CHUNK_BYTES must be a multiple of 262144 (256 KiB)',
  })
  YOUTUBE_UPLOAD_CHUNK_BYTES = 8 * 1_048_576;
  @IsOptional() @IsString() INSTAGRAM_APP_ID?: string;

  @ValidateIf((o: ProviderVariables) => !!o.INSTAGRAM_APP_ID)
  @IsString()
  @MinLength(1, { message: 'INSTAGRAM_APP_SECRET is required with INSTAGRAM_APP_ID' })
  INSTAGRAM_APP_SECRET?: string;

  @IsUrl({ require_tld: false, require_protocol: true }) INSTAGRAM_AUTH_URL =
    'https://www.instagram.com/oauth/authorize';

  /** where an Instagram authorization code is exchanged for a token */
  @IsUrl({ require_tld: false, require_protocol: true }) INSTAGRAM_TOKEN_URL =
    'https://api.instagram.com/oauth/access_token';

  /** Graph API root with its version */
  @IsUrl({ require_tld: false, require_protocol: true }) INSTAGRAM_GRAPH_URL =
    'https://graph.instagram.com/v21.0';

  /** key that encrypts social tokens at rest: 32 bytes as 64 hex characters (required when staged with publishing on; embedded derives one) */
  @ValidateIf(
    (o: ProviderVariables) =>
      (staged(o) && !!(o.GOOGLE_CLIENT_ID || o.INSTAGRAM_APP_ID)) ||
      o.SOCIAL_TOKEN_KEY !== undefined,
  )
  @Matches(/^[0-9a-fA-F]{64}$/, {
    message:
      'SOCIAL_TOKEN_KEY must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`',
  })
  SOCIAL_TOKEN_KEY?: string;

  /** scratch space for the offline engines */
  @IsString() WORK_DIR = './data/work';
}

type Providers = IntegrationsOptions;

/**
 * Which adapter serves each outside system, with its settings: the offline engine by default,
 * the vendor when its engine variable names it. Files are given (see storage-config).
 */
export function providersConfig(env: ProviderVariables, blob: Providers['blob']): Providers {
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

function lyricsEngine(env: ProviderVariables): Providers['lyrics'] {
  if (env.LYRICS_ENGINE !== 'openai') return { engine: 'template' };
  return {
    engine: 'openai',
    openai: {
      baseUrl: withoutTrailingSlash(env.OPENAI_BASE_URL),
      apiKey: env.OPENAI_API_KEY!,
      model: env.OPENAI_MODEL,
      moderationModel: env.OPENAI_MODERATION_MODEL,
      moderationTimeoutMs: env.OPENAI_MODERATION_TIMEOUT_MS,
      timeoutMs: env.PROVIDER_TIMEOUT_MS * 6,
      maxRetries: 1,
      maxCompletionTokens: env.OPENAI_MAX_COMPLETION_TOKENS,
    },
  };
}

/** The variable that turns publishing to each platform on, for a message when it is off. */
export const PUBLISHING_SWITCH: Record<SocialPlatform, keyof ProviderVariables> = {
  youtube: 'GOOGLE_CLIENT_ID',
  instagram: 'INSTAGRAM_APP_ID',
};

function youtube(env: ProviderVariables): Providers['publish']['youtube'] {
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

function instagram(env: ProviderVariables): Providers['publish']['instagram'] {
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

function storeSearch(env: ProviderVariables): Providers['search'] {
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

function songEngine(env: ProviderVariables): Providers['song'] {
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

function videoEngine(env: ProviderVariables): Providers['video'] {
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
