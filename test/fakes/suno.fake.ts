import { randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeReply } from './fake-http';

interface Task {
  taskId: string;
  key?: string;
  title: string;
  /** the lyrics sent (custom mode's `prompt`), with their section tags */
  prompt: string;
  callBackUrl?: string;
  readyAt: number;
  /** a record-info failure status the task ends in */
  failWith?: string;
  callbackSent: boolean;
  /** bumped when the files expire and record-info hands out fresh URLs */
  urlVersion: number;
}

/** One entry of get-timestamped-lyrics' `alignedWords`. */
interface FakeAlignedWord {
  word: string;
  success: boolean;
  startS: number;
  endS: number;
  palign: number;
}

/** sunoapi.org's answer envelope: failures are a non-200 `code` in an HTTP 200 body. */
const envelope = (code: number, msg: string, data: unknown = null): FakeReply => ({
  status: 200,
  body: { code, msg, data },
});

/**
 * The generate codes sunoapi.org documents (api-shapes.md, "Documented failures"), each a row
 * a test can serve on `POST /api/v1/generate`.
 */
const GENERATE_CODES: Record<number, string> = {
  400: 'Please enter the correct parameters',
  401: 'Unauthorized access',
  405: 'Rate limited, please try again later',
  413: 'Prompt or lyrics is too long',
  429: 'The current credits are insufficient. Please top up.',
  430: 'Your call frequency is too high. Please try again later.',
  455: 'The system is currently undergoing maintenance. Please try again later.',
  500: 'Server exception, please try again later',
};

/** Task statuses record-info documents as the end of a failed generation. */
export const SUNO_FAILED_STATUSES = [
  'CREATE_TASK_FAILED',
  'GENERATE_AUDIO_FAILED',
  'CALLBACK_EXCEPTION',
  'SENSITIVE_WORD_ERROR',
] as const;

/**
 * Suno through sunoapi.org's shapes: POST /api/v1/generate, GET record-info, GET credit and
 * callbacks, with every documented failure as a row (`serve('code-429')`, ...). The request
 * log marks each accepted generation as paid: that is what the account is charged for,
 * whatever the task ends in. Credits run down per generation and a generation the balance
 * cannot cover answers code 429, as the provider does. Audio files are served from here;
 * they can expire (404) while record-info hands out fresh URLs, or the task itself can be gone.
 */
export class FakeSuno extends FakeHttpServer {
  readonly tasks = new Map<string, Task>();
  private readonly byKey = new Map<string, string>();
  /** paid generations per idempotency key (a key with 2 means we paid twice) */
  readonly paid = new Map<string, number>();
  apiKey = 'suno-test-key';
  generationMs = 50;
  clipSeconds = 8;
  /** the account's balance and what one generation costs (sunoapi.org bills in credits) */
  credits = 100_000;
  creditsPerSong = 12;
  /**
   * sunoapi.org documents no idempotency key: a resent generate is a new paid task. Suites
   * that model a provider which dedupes (the *_DEDUPES_IDEMPOTENCY_KEY flags) turn this on.
   */
  honoursIdempotencyKey = false;
  /** next submissions that end in GENERATE_AUDIO_FAILED */
  failGenerations = 0;
  sendCallbacks = true;
  /** every file answers 404, fresh URLs or not (files past their ~14 days) */
  expiredFiles = false;
  /** where the first sung word starts, and each word's share of the time, seconds */
  firstWordSec = 1.5;
  wordSec = 0.6;
  /** bytes served for every clip (a real MP3 when a test sets one) */
  audioBytes: Buffer = Buffer.from('ID3fake-audio');

  constructor() {
    super();
    this.route('POST', '/api/v1/generate', (req) => {
      if (req.bearer !== this.apiKey)
        return { status: 401, body: { code: 401, msg: 'Unauthorized', data: null } };
      const b = req.json();
      if (!b.prompt || !b.style || !b.title)
        return envelope(400, 'Please enter prompt, style and title');
      if (String(b.prompt).length > 5000) return envelope(413, GENERATE_CODES[413]);
      const key = req.headers['idempotency-key'] as string | undefined;
      if (key && this.honoursIdempotencyKey && this.byKey.has(key))
        return envelope(200, 'success', { taskId: this.byKey.get(key) });
      if (this.credits < this.creditsPerSong) return envelope(429, GENERATE_CODES[429]);
      return { ...this.accept(b, key), paid: true };
    });

    this.route('GET', '/api/v1/generate/record-info', (req) => {
      if (req.bearer !== this.apiKey)
        return { status: 401, body: { code: 401, msg: 'Unauthorized', data: null } };
      const t = this.tasks.get(req.query.get('taskId') ?? '');
      if (!t) return envelope(400, 'task not found');
      return envelope(200, 'success', this.record(t));
    });

    this.route('GET', '/api/v1/generate/credit', (req) => {
      if (req.bearer !== this.apiKey)
        return { status: 401, body: { code: 401, msg: 'Unauthorized', data: null } };
      return envelope(200, 'success', this.credits);
    });

    this.route('GET', '/files/:name', (req) => {
      const version = Number(/-v(\d+)\./.exec(req.path)?.[1] ?? 0);
      const t = this.tasks.get(req.path.split('/').pop()!.split('-')[0]);
      if (this.expiredFiles || !t || version < t.urlVersion)
        return { status: 404, body: 'expired' };
      return { status: 200, body: this.audioBytes, headers: { 'content-type': 'audio/mpeg' } };
    });

    // word timings of a finished clip: not a generation, and sunoapi.org lists no charge for it
    this.route('POST', '/api/v1/generate/get-timestamped-lyrics', (req) => {
      if (req.bearer !== this.apiKey)
        return { status: 401, body: { code: 401, msg: 'Unauthorized', data: null } };
      const b = req.json();
      const t = this.tasks.get(String(b.taskId ?? ''));
      if (!t || !this.finished(t.taskId) || !String(b.audioId ?? '').startsWith(`${t.taskId}-`))
        return envelope(400, 'Please enter the correct parameters');
      return envelope(200, 'success', this.timestamped(t));
    });
    this.document('timestamped-word-unplaced', {
      route: 'POST /api/v1/generate/get-timestamped-lyrics',
      // the aligner could not place one word: `success: false`, its times meaningless
      reply: async (req, normal) => {
        const answer = await normal();
        const words = (answer.body as any)?.data?.alignedWords as FakeAlignedWord[] | undefined;
        const w = words?.[Math.min(2, words.length - 1)];
        if (w) Object.assign(w, { success: false, startS: 0, endS: 0, palign: 0 });
        return answer;
      },
    });
    this.document('timestamped-instrumental', {
      route: 'POST /api/v1/generate/get-timestamped-lyrics',
      // an instrumental has no words
      reply: () =>
        envelope(200, 'success', {
          alignedWords: [],
          waveformData: [0, 0.1, 0.2],
          hootCer: 0,
          isStreamed: false,
        }),
    });
    for (const code of [400, 500])
      this.document(`timestamped-code-${code}`, {
        route: 'POST /api/v1/generate/get-timestamped-lyrics',
        reply: () => envelope(code, GENERATE_CODES[code]),
      });

    for (const [code, msg] of Object.entries(GENERATE_CODES))
      this.document(`code-${code}`, {
        route: 'POST /api/v1/generate',
        reply: () => envelope(Number(code), msg),
      });
    for (const status of SUNO_FAILED_STATUSES)
      this.document(status, {
        route: 'POST /api/v1/generate',
        // the generation is taken (and charged), then ends in this status
        reply: (req) => ({
          ...this.accept(req.json(), req.headers['idempotency-key'] as string, status),
          paid: true,
        }),
      });
    this.document('expired-audio-url', {
      route: 'GET /api/v1/generate/record-info',
      applies: (req) => this.finished(req.query.get('taskId')),
      // the task is done, but the URLs in this answer expire before we copy them
      reply: async (req, normal) => {
        const answer = await normal();
        const t = this.tasks.get(req.query.get('taskId') ?? '');
        if (t) t.urlVersion++;
        return answer;
      },
    });
    this.document('record-info-data-null', {
      route: 'GET /api/v1/generate/record-info',
      // documented: the task is not visible yet; a later read finds it
      reply: () => envelope(200, 'success', null),
    });
    this.document('task-gone', {
      route: 'GET /api/v1/generate/record-info',
      applies: (req) => this.finished(req.query.get('taskId')),
      reply: (req) => {
        this.tasks.delete(req.query.get('taskId') ?? '');
        return envelope(400, 'task not found');
      },
    });
  }

  /** A generation taken: the task, the charge, the callback later. */
  private accept(b: any, key: string | undefined, failWith?: string): FakeReply {
    const taskId = randomUUID().replace(/-/g, '');
    const fail =
      failWith ??
      (this.failGenerations > 0 ? (this.failGenerations--, 'GENERATE_AUDIO_FAILED') : undefined);
    this.tasks.set(taskId, {
      taskId,
      key,
      title: b.title,
      prompt: String(b.prompt ?? ''),
      callBackUrl: b.callBackUrl,
      readyAt: Date.now() + this.generationMs,
      failWith: fail,
      callbackSent: false,
      urlVersion: 0,
    });
    this.credits -= this.creditsPerSong;
    if (key) {
      this.byKey.set(key, taskId);
      this.paid.set(key, (this.paid.get(key) ?? 0) + 1);
    }
    if (this.sendCallbacks && b.callBackUrl)
      setTimeout(() => void this.callback(taskId), this.generationMs + 5);
    return envelope(200, 'success', { taskId });
  }

  private finished(taskId: string | null): boolean {
    const t = this.tasks.get(taskId ?? '');
    return !!t && !t.failWith && Date.now() >= t.readyAt;
  }

  totalPaid(): number {
    return this.paidCalls((r) => r.path === '/api/v1/generate');
  }

  private record(t: Task) {
    const ready = Date.now() >= t.readyAt;
    const status = !ready ? 'PENDING' : (t.failWith ?? 'SUCCESS');
    const file = (n: number, ext: string) =>
      `${this.url}/files/${t.taskId}-${n}-v${t.urlVersion}.${ext}`;
    return {
      taskId: t.taskId,
      status,
      response: {
        sunoData:
          ready && !t.failWith
            ? [1, 2].map((n) => ({
                id: `${t.taskId}-${n}`,
                audioUrl: file(n, 'mp3'),
                streamAudioUrl: file(n, 'mp3'),
                imageUrl: file(n, 'jpg'),
                prompt: '',
                modelName: 'chirp-v4-5',
                title: t.title,
                tags: 'jingle',
                createTime: new Date().toISOString(),
                duration: this.clipSeconds + n,
              }))
            : [],
      },
      errorCode: t.failWith ? t.failWith : null,
      errorMessage: t.failWith ? 'generation failed' : null,
    };
  }

  /**
   * get-timestamped-lyrics' `data` for a task's lyrics as sunoapi.org documents it: one entry
   * per sung word, seconds from the clip's start, a word opening a section carrying its tag
   * and line break ("[Verse]\nWaggin'"), a word opening a line its line break.
   */
  private timestamped(t: Task) {
    const alignedWords: FakeAlignedWord[] = [];
    let at = this.firstWordSec;
    let tag = '';
    for (const line of t.prompt.split('\n')) {
      if (/^\s*\[[^\]]*\]\s*$/.test(line)) {
        tag = `${line.trim()}\n`;
        continue;
      }
      const words = line.split(/\s+/).filter(Boolean);
      for (const [i, word] of words.entries()) {
        // a section's first word carries its tag; a line's first word, its line break
        const lead = i > 0 ? '' : tag || (alignedWords.length ? '\n' : '');
        alignedWords.push({
          word: `${lead}${word} `,
          success: true,
          startS: at,
          endS: at + this.wordSec * 0.8,
          palign: 0,
        });
        tag = '';
        at += this.wordSec;
      }
      at += this.wordSec / 2;
    }
    return { alignedWords, waveformData: [0.1, 0.4, 0.2], hootCer: 0.05, isStreamed: false };
  }

  private async callback(taskId: string): Promise<void> {
    const t = this.tasks.get(taskId);
    if (!t?.callBackUrl || t.callbackSent) return;
    t.callbackSent = true;
    const r = this.record(t);
    await fetch(t.callBackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: t.failWith ? 501 : 200,
        msg: t.failWith ? 'Audio generation failed.' : 'All generated successfully.',
        data: {
          callbackType: t.failWith ? 'error' : 'complete',
          task_id: taskId,
          data: r.response.sunoData,
        },
      }),
    }).catch(() => undefined);
  }
}
