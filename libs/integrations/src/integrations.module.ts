import { DynamicModule, Module } from '@nestjs/common';
import { AzureBlobStore } from './blob/azure-blob-store';
import { BlobStore } from './blob/blob-store';
import { LocalBlobStore } from './blob/local-blob-store';
import { INTEGRATIONS_OPTIONS, IntegrationsOptions } from './integrations.options';
import { KakaoHttpIdentity } from './kakao/kakao-http-identity';
import { KakaoIdentity } from './kakao/kakao-identity';
import { LyricsEngine } from './lyrics/lyrics-engine';
import { NaverLocalSearch } from './search/naver-local-search';
import { SampleStoreSearch } from './search/sample-store-search';
import { StoreSearch } from './search/store-search';
import { TemplateLyricsEngine } from './lyrics/template-lyrics-engine';
import { OpenAiLyricsEngine } from './lyrics/openai-lyrics-engine';
import { VideoPublisher, VideoPublishers } from './publish/video-publisher';
import { YouTubePublisher } from './publish/youtube-publisher';
import { InstagramPublisher } from './publish/instagram-publisher';
import { SongEngine } from './song/song-engine';
import { SunoSongEngine } from './song/suno-song-engine';
import { SynthSongEngine } from './song/synth-song-engine';
import { CreatomateVideoRenderer } from './video/creatomate-video-renderer';
import { FfmpegVideoRenderer } from './video/ffmpeg-video-renderer';
import { FallbackVideoRenderer } from './video/fallback-video-renderer';
import { VideoRenderer } from './video/video-renderer';
import { VideoRenderers } from './video/video-renderers';

const ports = [
  KakaoIdentity,
  LyricsEngine,
  SongEngine,
  VideoRenderer,
  VideoRenderers,
  BlobStore,
  StoreSearch,
  VideoPublishers,
];

/** Kakao's REST API; without its settings every login says Kakao login is not configured. */
const kakaoIdentity = (x: IntegrationsOptions) =>
  new KakaoHttpIdentity(x.kakao && { apiUrl: x.kakao.apiUrl, timeoutMs: x.providerTimeoutMs });

const lyricsEngine = (x: IntegrationsOptions) =>
  x.lyrics.engine === 'openai'
    ? new OpenAiLyricsEngine(x.lyrics.openai)
    : new TemplateLyricsEngine();

const storeSearch = (x: IntegrationsOptions) =>
  x.search.engine === 'naver' ? new NaverLocalSearch(x.search.naver) : new SampleStoreSearch();

/** The platforms a video can be published to: those configured. */
function videoPublishers(x: IntegrationsOptions): VideoPublishers {
  const list: VideoPublisher[] = [];
  if (x.publish.youtube) list.push(new YouTubePublisher(x.publish.youtube));
  if (x.publish.instagram) list.push(new InstagramPublisher(x.publish.instagram));
  return new VideoPublishers(list);
}

/**
 * Ports and adapters for every outside system (design.md section 4). Each port is an
 * abstract class (the DI token) bound here to the adapter the options pick.
 */
@Module({})
export class IntegrationsModule {
  static forRootAsync(opts: {
    inject: any[];
    useFactory: (...args: any[]) => IntegrationsOptions;
    global?: boolean;
  }): DynamicModule {
    const o = (f: (x: IntegrationsOptions) => unknown) => ({
      inject: [INTEGRATIONS_OPTIONS],
      useFactory: f,
    });
    return {
      module: IntegrationsModule,
      global: opts.global ?? true,
      providers: [
        { provide: INTEGRATIONS_OPTIONS, inject: opts.inject, useFactory: opts.useFactory },
        { provide: KakaoIdentity, ...o(kakaoIdentity) },
        { provide: LyricsEngine, ...o(lyricsEngine) },
        { provide: VideoPublishers, ...o(videoPublishers) },
        { provide: StoreSearch, ...o(storeSearch) },
        {
          provide: SongEngine,
          ...o((x) =>
            x.song.engine === 'suno'
              ? new SunoSongEngine(x.song.suno)
              : new SynthSongEngine(x.workDir, x.video.ffmpegTimeoutMs),
          ),
        },
        // the offline renderer is always there: a project may ask for it even where Creatomate is the default
        {
          provide: VideoRenderers,
          inject: [INTEGRATIONS_OPTIONS, BlobStore],
          useFactory: (x: IntegrationsOptions, blob: BlobStore) => {
            const ffmpeg = new FfmpegVideoRenderer(x.workDir, x.video.ffmpegTimeoutMs, {
              handOff: x.handOffRenders ? blob : undefined,
            });
            if (x.video.engine === 'ffmpeg') return new VideoRenderers(ffmpeg);
            const creatomate = new CreatomateVideoRenderer(x.video.creatomate);
            const preferred = x.video.fallbackToFfmpeg
              ? new FallbackVideoRenderer(creatomate, ffmpeg, x.video.fallbackMaxWaitSec)
              : creatomate;
            return new VideoRenderers(preferred, [ffmpeg]);
          },
        },
        {
          provide: VideoRenderer,
          inject: [VideoRenderers],
          useFactory: (renderers: VideoRenderers) => renderers.preferred,
        },
        {
          provide: BlobStore,
          ...o((x) =>
            x.blob.engine === 'azure'
              ? new AzureBlobStore(x.blob.connectionString, x.blob.containerPrefix)
              : new LocalBlobStore(x.blob.root, x.blob.publicBaseUrl, x.blob.signingKey),
          ),
        },
      ],
      exports: [INTEGRATIONS_OPTIONS, ...ports],
    };
  }
}
