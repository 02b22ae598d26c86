import { CreatomateConfig } from './video/creatomate-video-renderer';
import { SunoConfig } from './song/suno-song-engine';
import { NaverConfig } from './search/naver-local-search';
import { OpenAiConfig } from './lyrics/openai-lyrics-engine';
import { YouTubeConfig } from './publish/youtube-publisher';
import { InstagramConfig } from './publish/instagram-publisher';

/**
 * Which adapter serves each port, and their settings. The apps build this from their
 * validated configuration; this library reads no environment itself.
 */
export interface IntegrationsOptions {
  providerTimeoutMs: number;
  kakao?: { apiUrl: string };
  lyrics: { engine: 'template' } | { engine: 'openai'; openai: OpenAiConfig };
  publish: { youtube?: YouTubeConfig; instagram?: InstagramConfig };
  search: { engine: 'sample' } | { engine: 'naver'; naver: NaverConfig };
  song: { engine: 'synth' } | { engine: 'suno'; suno: SunoConfig };
  video:
    | { engine: 'ffmpeg'; ffmpegTimeoutMs: number }
    | {
        engine: 'creatomate';
        creatomate: CreatomateConfig;
        ffmpegTimeoutMs: number;
        fallbackToFfmpeg: boolean;
        /** a 429 asking to wait longer than this falls back; shorter waits are waited */
        fallbackMaxWaitSec: number;
      };
  blob:
    | { engine: 'local'; root: string; publicBaseUrl: string; signingKey: string }
    | { engine: 'azure'; connectionString: string; containerPrefix: string };
  workDir: string;
  /**
   * true when a render's poll may run on another host than its submission (Bull workers): the
   * local renderer then hands its finished files over through the blob store, not its work dir
   */
  handOffRenders?: boolean;
}

export const INTEGRATIONS_OPTIONS = Symbol('INTEGRATIONS_OPTIONS');
