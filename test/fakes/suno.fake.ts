import { randomUUID } from 'node:crypto';
import { FakeHttpServer } from './fake-http';

interface Task {
  taskId: string;
  key?: string;
  title: string;
  callBackUrl?: string;
  readyAt: number;
  failWith?: string;
  callbackSent: boolean;
}

/**
 * Suno through sunoapi.org's shapes: POST /api/v1/generate, GET record-info, callbacks.
 * Paid submissions are counted per Idempotency-Key; a repeated key gets the same task back
 * without a second charge. Audio files are served from here (and can be made to expire).
 */
export class FakeSuno extends FakeHttpServer {
  readonly tasks = new Map<string, Task>();
  private readonly byKey = new Map<string, string>();
  /** paid generations per idempotency key (a key with 2 means we paid twice) */
  readonly paid = new Map<string, number>();
  apiKey = 'suno-test-key';
  generationMs = 50;
  clipSeconds = 8;
  /** next submissions that end in GENERATE_AUDIO_FAILED */
  failGenerations = 0;
  sendCallbacks = true;
  expiredFiles = false;
  /** bytes served for every clip (a real MP3 when a test sets one) */
  audioBytes: Buffer = Buffer.from('ID3fake-audio');

  constructor() {
    super();
    this.route('POST', '/api/v1/generate', (req) => {
      if (req.bearer !== this.apiKey)
        return { status: 401, body: { code: 401, msg: 'Unauthorized', data: null } };
      const b = req.json();
      if (!b.prompt || !b.style || !b.title)
        return {
          status: 200,
          body: { code: 400, msg: 'Please enter prompt, style and title', data: null },
        };
      if (String(b.prompt).length > 3000)
        return { status: 200, body: { code: 413, msg: 'Prompt too long', data: null } };
      const key = req.headers['idempotency-key'] as string | undefined;
      if (key && this.byKey.has(key))
        return {
          status: 200,
          body: { code: 200, msg: 'success', data: { taskId: this.byKey.get(key) } },
        };
      const taskId = randomUUID().replace(/-/g, '');
      const failWith =
        this.failGenerations > 0 ? (this.failGenerations--, 'GENERATE_AUDIO_FAILED') : undefined;
      this.tasks.set(taskId, {
        taskId,
        key,
        title: b.title,
        callBackUrl: b.callBackUrl,
        readyAt: Date.now() + this.generationMs,
        failWith,
        callbackSent: false,
      });
      if (key) {
        this.byKey.set(key, taskId);
        this.paid.set(key, (this.paid.get(key) ?? 0) + 1);
      }
      if (this.sendCallbacks && b.callBackUrl)
        setTimeout(() => void this.callback(taskId), this.generationMs + 5);
      return { status: 200, body: { code: 200, msg: 'success', data: { taskId } } };
    });

    this.route('GET', '/api/v1/generate/record-info', (req) => {
      if (req.bearer !== this.apiKey)
        return { status: 401, body: { code: 401, msg: 'Unauthorized', data: null } };
      const t = this.tasks.get(req.query.get('taskId') ?? '');
      if (!t) return { status: 200, body: { code: 400, msg: 'task not found', data: null } };
      return { status: 200, body: { code: 200, msg: 'success', data: this.record(t) } };
    });

    this.route('GET', '/files/:name', () => {
      if (this.expiredFiles) return { status: 404, body: 'expired' };
      return { status: 200, body: this.audioBytes, headers: { 'content-type': 'audio/mpeg' } };
    });
  }

  totalPaid(): number {
    return [...this.paid.values()].reduce((a, b) => a + b, 0);
  }

  private record(t: Task) {
    const ready = Date.now() >= t.readyAt;
    const status = !ready ? 'PENDING' : (t.failWith ?? 'SUCCESS');
    return {
      taskId: t.taskId,
      status,
      response: {
        sunoData:
          ready && !t.failWith
            ? [1, 2].map((n) => ({
                id: `${t.taskId}-${n}`,
                audioUrl: `${this.url}/files/${t.taskId}-${n}.mp3`,
                streamAudioUrl: `${this.url}/files/${t.taskId}-${n}.mp3`,
                imageUrl: `${this.url}/files/${t.taskId}-${n}.jpg`,
                prompt: '',
                modelName: 'chirp-v4-5',
                title: t.title,
                tags: 'jingle',
                createTime: new Date().toISOString(),
                duration: this.clipSeconds + n,
              }))
            : [],
      },
      errorCode: t.failWith ? 'GENERATE_AUDIO_FAILED' : null,
      errorMessage: t.failWith ? 'generation failed' : null,
    };
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
        code: 200,
        msg: 'All generated successfully.',
        data: {
          callbackType: t.failWith ? 'error' : 'complete',
          task_id: taskId,
          data: r.response.sunoData,
        },
      }),
    }).catch(() => undefined);
  }
}
