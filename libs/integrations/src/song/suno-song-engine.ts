import { ProviderRejectedError, ProviderUnavailableError } from '../provider-errors';
import { bearerJson, parseJson, retryAfterOf } from '../http/provider-http';
import { Usage } from '../lyrics/lyrics-engine';
import { SongClip, SongEngine, SongPoll, SongRequest, SungWord, SungWords } from './song-engine';

export interface SunoConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  dedupesByKey: boolean;
  /** credits one generation costs (sunoapi.org bills every generate in credits) */
  creditsPerSong: number;
}

/** One word of get-timestamped-lyrics' `alignedWords`. */
interface SunoAlignedWord {
  word: string;
  success: boolean;
  startS: number;
  endS: number;
  palign?: number;
}

interface SunoEnvelope<T> {
  code: number;
  msg: string;
  data: T;
}

/**
 * Suno's `code` in the body means failure even on HTTP 200 (api-shapes.md, "Documented
 * failures"): 430 call frequency and 455 maintenance pass, 500 may; every other code is an
 * answer about this request or this account that resending does not change.
 */
const LATER_CODES = new Set([430, 455, 500, 503]);
const OUT_OF_CREDITS = 429;

/** A balance below this many songs is read again before paying (others may spend it too). */
const LOW_BALANCE_SONGS = 10;

export const SUNO_OUT_OF_CREDITS =
  'the song service (Suno) is out of credits: an administrator must top up the account, then retry the project';

/**
 * Suno through sunoapi.org's developer API: generate, then poll record-info. Two clips come
 * back; their URLs expire, so the pipeline copies the audio into our blob store. Suno does not
 * say where their beats fall: the FFmpeg renderer finds them in the audio when it cuts a video
 * on them (where the audio is decoded anyway, on the render's host), not the poll (a scheduler
 * spawning FFmpeg for each clip of every finished song, for videos Creatomate may render).
 */
export class SunoSongEngine extends SongEngine {
  readonly name = 'suno';
  readonly readyWhenSubmitted = false;
  get dedupesByKey(): boolean {
    return this.cfg.dedupesByKey;
  }

  /** the account's balance as last read or spent here; unknown until read */
  private credits?: number;

  constructor(private readonly cfg: SunoConfig) {
    super();
  }

  /** GET /api/v1/generate/credit: the balance, in credits. */
  async balance(): Promise<number> {
    const env = parseJson<SunoEnvelope<number>>(
      'suno',
      await this.call('GET', '/api/v1/generate/credit'),
    );
    this.check(env);
    const credits = Number(env.data);
    if (!Number.isFinite(credits))
      throw new ProviderUnavailableError('suno', 'suno answered the credit check without a number');
    return (this.credits = credits);
  }

  async submit(
    req: SongRequest,
    idempotencyKey: string,
  ): Promise<{ taskId: string; usage: Usage }> {
    // unknown or low: read the balance before paying, and send nothing it cannot cover. A
    // check that cannot be made is no reason to wait: a generate the credits cannot cover is
    // refused (code 429) without a charge
    if (this.credits === undefined || this.credits < this.cfg.creditsPerSong * LOW_BALANCE_SONGS)
      await this.balance().catch((err: unknown) => {
        if (!(err instanceof ProviderUnavailableError)) throw err;
      });
    if (this.credits !== undefined && this.credits < this.cfg.creditsPerSong)
      throw new ProviderRejectedError(
        'suno',
        `${SUNO_OUT_OF_CREDITS} (balance ${this.credits}, one song costs ${this.cfg.creditsPerSong}; nothing was sent)`,
      );
    const prompt = req.lyrics.sections
      .map((s) => `[${s.name[0].toUpperCase()}${s.name.slice(1)}]\n${s.lines.join('\n')}`)
      .join('\n\n');
    const body = {
      customMode: true,
      instrumental: false,
      prompt: prompt.slice(0, 3000),
      style: `${req.genre}, ${req.mood}, Korean jingle, catchy`.slice(0, 200),
      title: req.title.slice(0, 80),
      model: this.cfg.model,
      callBackUrl: req.callbackUrl ?? 'https://invalid.example/no-callback',
    };
    const res = await this.call('POST', '/api/v1/generate', body, idempotencyKey);
    const env = parseJson<SunoEnvelope<{ taskId?: string }>>('suno', res);
    this.check(env);
    if (!env.data?.taskId)
      throw new ProviderUnavailableError('suno', 'suno accepted the request without a taskId');
    this.credits = (this.credits ?? 0) - this.cfg.creditsPerSong;
    return { taskId: env.data.taskId, usage: this.recoveredUsage() };
  }

  /** Every generate is one song, whatever its length. */
  recoveredUsage(): Usage {
    return { unit: 'song', units: 1 };
  }

  /** sunoapi.org calls back with `{ code, msg, data: { callbackType, task_id, data } }`. */
  override taskIdFromCallback(body: unknown): string | null {
    const taskId = (body as { data?: { task_id?: unknown } } | null)?.data?.task_id;
    return typeof taskId === 'string' ? taskId : null;
  }

  async poll(taskId: string): Promise<SongPoll> {
    const res = await this.call(
      'GET',
      `/api/v1/generate/record-info?taskId=${encodeURIComponent(taskId)}`,
    );
    const env = parseJson<
      SunoEnvelope<{
        status: string;
        response?: { sunoData?: { id: string; audioUrl: string; duration: number }[] };
        errorMessage?: string | null;
      }>
    >('suno', res);
    // record-info answers a task it no longer has (or never had) with a 400/404 code
    if (env.code === 400 || env.code === 404) return { status: 'gone', reason: env.msg };
    this.check(env);
    // documented: a task just created may not be visible yet (200 with `data: null`)
    const d = env.data;
    if (!d) return { status: 'pending' };
    if (d.status === 'SUCCESS') {
      const clips: SongClip[] = (d.response?.sunoData ?? []).map((c) => ({
        providerClipId: c.id,
        durationSec: c.duration,
        audio: { kind: 'url', url: c.audioUrl, contentType: 'audio/mpeg' },
        // we ask for sung lyrics (`instrumental: false`)
        vocals: true,
      }));
      if (clips.length === 0) return { status: 'failed', reason: 'Suno finished without any clip' };
      return { status: 'done', clips };
    }
    if (
      [
        'CREATE_TASK_FAILED',
        'GENERATE_AUDIO_FAILED',
        'CALLBACK_EXCEPTION',
        'SENSITIVE_WORD_ERROR',
      ].includes(d.status)
    ) {
      return {
        status: 'failed',
        reason: `Suno: ${d.status}${d.errorMessage ? ` (${d.errorMessage})` : ''}`,
      };
    }
    return { status: 'pending' };
  }

  /**
   * POST get-timestamped-lyrics: the clip's words as Suno's aligner placed them. sunoapi.org
   * lists no charge for it (api-shapes.md). A refusal (a non-200 code) is not a reason to fail
   * the video: its words are then unknown.
   */
  override async sungWords(taskId: string, providerClipId: string): Promise<SungWords> {
    const env = parseJson<SunoEnvelope<{ alignedWords?: SunoAlignedWord[] | null } | null>>(
      'suno',
      await this.call('POST', '/api/v1/generate/get-timestamped-lyrics', {
        taskId,
        audioId: providerClipId,
      }),
    );
    if (env.code !== 200) return { known: false, reason: `suno answered ${env.code}: ${env.msg}` };
    const words: SungWord[] = [];
    for (const w of env.data?.alignedWords ?? []) {
      // `word` carries section tags and line breaks ("[Verse]\nWaggin'"): the word is the rest
      const text = String(w.word ?? '')
        .replace(/\[[^\]]*\]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (!text) continue;
      const placed = w.success === true && Number.isFinite(w.startS) && Number.isFinite(w.endS);
      words.push({
        text,
        startSec: placed ? w.startS : 0,
        endSec: placed ? w.endS : 0,
        placed,
      });
    }
    return { known: true, words };
  }

  private check(env: SunoEnvelope<unknown>): void {
    if (env.code === 200) return;
    if (LATER_CODES.has(env.code))
      throw new ProviderUnavailableError('suno', `suno is busy (${env.code}): ${env.msg}`);
    if (env.code === OUT_OF_CREDITS) {
      this.credits = 0;
      throw new ProviderRejectedError(
        'suno',
        `${SUNO_OUT_OF_CREDITS} (suno answered 429: ${env.msg})`,
      );
    }
    // 400 bad params, 401 key, 405, 413 too long: resending the same request will not help
    throw new ProviderRejectedError('suno', `suno refused the request (${env.code}): ${env.msg}`);
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<string> {
    const res = await bearerJson('suno', this.cfg, method, path, body, idempotencyKey);
    if (res.status === 401 || res.status === 403)
      throw new ProviderRejectedError('suno', `suno refused our API key (${res.status})`);
    if (res.status !== 200)
      throw new ProviderUnavailableError('suno', `suno answered ${res.status}`, retryAfterOf(res));
    return res.text;
  }
}
