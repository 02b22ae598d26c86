import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DatabaseRouter,
  ProjectEventEntity,
  ProviderHealthService,
  registry,
  VideoEntity,
} from '@app/domain';
import { UsageRepository } from '@app/domain/repositories';
import { FakeCreatomate } from '../fakes/creatomate.fake';
import { fakeEnv } from '../fakes/env';
import { FakeHttpServer, FakeRequest } from '../fakes/fake-http';
import { FakeOpenAi } from '../fakes/openai.fake';
import { FakeSuno } from '../fakes/suno.fake';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { AzuriteServer } from '../harness/azurite';
import { describeWithServers } from '../harness/binaries';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(900_000);

type Step = 'lyrics' | 'song' | 'video';

/**
 * One documented answer (api-shapes.md, "Documented failures") served to one project, and
 * what must follow: where the project ends, how many paid submissions each provider counted
 * in its own request log for it, and the usage rows we wrote (provider -> rows).
 */
interface Row {
  fake: 'openai' | 'suno' | 'creatomate';
  row: string;
  times?: number;
  state: 'DONE' | 'FAILED';
  paid: Record<Step, number>;
  usage: Record<string, number>;
  error?: RegExp;
  engine?: 'creatomate' | 'ffmpeg';
  event?: RegExp;
}

const ok = { lyrics: 1, song: 1, video: 1 };
const allUsage = { openai: 1, suno: 1, creatomate: 1 };
const fellBack = { openai: 1, suno: 1, ffmpeg: 1 };
const songRefused = (code: number, error: RegExp): Row => ({
  fake: 'suno',
  row: `code-${code}`,
  state: 'FAILED',
  paid: { lyrics: 1, song: 0, video: 0 },
  usage: { openai: 1 },
  error,
});

const ROWS: Row[] = [
  // OpenAI
  ...['400-invalid_request_error', '401-invalid_api_key'].map((row): Row => ({
    fake: 'openai',
    row,
    state: 'FAILED',
    paid: { lyrics: 0, song: 0, video: 0 },
    usage: {},
    error: /openai (refused|answered)/,
  })),
  {
    fake: 'openai',
    row: '429-insufficient_quota',
    state: 'FAILED',
    paid: { lyrics: 0, song: 0, video: 0 },
    usage: {},
    error: /out of credit \(insufficient_quota\)/,
  },
  ...['429-rate_limit_exceeded', '500-server_error', '503-overloaded'].map((row): Row => ({
    fake: 'openai',
    row,
    state: 'DONE',
    paid: ok,
    usage: allUsage,
  })),
  // cut short once: asked again with more room, both billed and metered
  {
    fake: 'openai',
    row: 'finish-length',
    state: 'DONE',
    paid: { lyrics: 2, song: 1, video: 1 },
    // one usage row per completion OpenAI billed: the cut-short one and its second
    usage: { ...allUsage, openai: 2 },
  },
  {
    fake: 'openai',
    row: 'finish-length',
    times: 2,
    state: 'FAILED',
    paid: { lyrics: 2, song: 0, video: 0 },
    usage: { openai: 2 },
    error: /ran out of room twice/,
  },
  ...['refusal', 'content_filter'].map((row): Row => ({
    fake: 'openai',
    row,
    state: 'FAILED',
    paid: { lyrics: 1, song: 0, video: 0 },
    usage: { openai: 1 },
    error: /openai( refused|’s content filter)/,
  })),
  // Suno: the body code of an HTTP 200 decides
  songRefused(400, /suno refused the request \(400\)/),
  songRefused(401, /suno refused the request \(401\)/),
  songRefused(405, /suno refused the request \(405\)/),
  songRefused(413, /suno refused the request \(413\)/),
  songRefused(429, /out of credits: an administrator must top up/),
  ...[430, 455, 500].map((code): Row => ({
    fake: 'suno',
    row: `code-${code}`,
    state: 'DONE',
    paid: ok,
    usage: allUsage,
  })),
  // a task that ends in an error was paid for, and is metered
  ...[
    'SENSITIVE_WORD_ERROR',
    'CREATE_TASK_FAILED',
    'GENERATE_AUDIO_FAILED',
    'CALLBACK_EXCEPTION',
  ].map((row): Row => ({
    fake: 'suno',
    row,
    state: 'FAILED',
    paid: { lyrics: 1, song: 1, video: 0 },
    usage: { openai: 1, suno: 1 },
    error: new RegExp(`Suno: ${row}`),
  })),
  // a task not visible yet (200 with data: null) is waited for, twice here
  {
    fake: 'suno',
    row: 'record-info-data-null',
    times: 2,
    state: 'DONE',
    paid: ok,
    usage: allUsage,
  },
  // expired file URLs: fresh ones from record-info, no second generation
  { fake: 'suno', row: 'expired-audio-url', state: 'DONE', paid: ok, usage: allUsage },
  // Creatomate, with the FFmpeg fallback on
  ...(
    [
      [400, 'the template or its modifications are invalid'],
      [401, 'our API key was refused'],
      [402, 'out of credits'],
      [500, ''],
      [503, ''],
    ] as const
  ).map(([status, why]): Row => ({
    fake: 'creatomate',
    row: `status-${status}`,
    state: 'DONE',
    paid: { lyrics: 1, song: 1, video: 0 },
    usage: fellBack,
    engine: 'ffmpeg',
    event: new RegExp(
      `creatomate answered ${status}${why ? `: ${why}` : ''}, rendered with ffmpeg`,
    ),
  })),
  // a short Retry-After is waited for; a long one falls back and says so
  {
    fake: 'creatomate',
    row: 'status-429',
    state: 'DONE',
    paid: ok,
    usage: allUsage,
    engine: 'creatomate',
  },
  // ambiguous: the render was taken; it is recovered (webhook), never resent, never fallen back
  ...['timeout-after-accept', 'reset-after-accept'].map((row): Row => ({
    fake: 'creatomate',
    row,
    state: 'DONE',
    paid: ok,
    usage: allUsage,
    engine: 'creatomate',
    event: /task id recovered/,
  })),
  {
    fake: 'creatomate',
    row: 'render-failed',
    state: 'FAILED',
    paid: ok,
    usage: allUsage,
    error: /Creatomate render failed: The source media could not be downloaded/,
  },
];

/** A real MP3 for Suno's clips, so FFmpeg renders (the fallback) have a song to play. */
function jingle(dir: string): Buffer {
  const file = join(dir, 'jingle.mp3');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=20',
    '-b:a',
    '96k',
    file,
  ]);
  return readFileSync(file);
}

describeWithServers(['ffmpeg'], 'every documented provider failure, one project each', () => {
  const dir = tempDir('provider-rows');
  const azurite = new AzuriteServer();
  const suno = new FakeSuno();
  const creatomate = new FakeCreatomate();
  const openai = new FakeOpenAi();
  const fakes = { suno, creatomate, openai };
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let token: string;
  let storeId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await Promise.all([azurite.start(), suno.start(), creatomate.start(), openai.start()]);
    suno.audioBytes = jingle(dir);
    suno.clipSeconds = 20;
    creatomate.slowAnswerMs = 3000;
    const port = await freePort();
    env = {
      DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
      WORK_DIR: join(dir, 'work'),
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      ...fakeEnv.openai(openai),
      ...fakeEnv.suno(suno),
      ...fakeEnv.creatomate(creatomate),
      VIDEO_FALLBACK_TO_FFMPEG: 'true',
      VIDEO_FALLBACK_MAX_WAIT_SEC: '5',
      PIPELINE_POLL_MS: '50',
      SONG_POLL_MS: '100',
      VIDEO_POLL_MS: '100',
      PIPELINE_BACKOFF_BASE_MS: '100',
      PIPELINE_BACKOFF_MAX_MS: '1000',
      PIPELINE_CONCURRENCY_VIDEO: '4',
      PROVIDER_TIMEOUT_MS: '1000',
      SUBMISSION_RECOVERY_MS: '60000',
      PROJECTS_PER_DAY: '1000',
      FFMPEG_TIMEOUT_MS: '240000',
    };
    api = await startApi(env);
    // webhooks and callbacks reach the API for real
    await api.app.listen(port, '127.0.0.1');
    scheduler = await startScheduler(env);
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '사장님' } })).body
      .accessToken;
    storeId = (
      await api.request('POST', '/v1/stores', {
        token,
        body: { name: '서면 분식', roadAddress: '부산 부산진구 서면로 1', phone: '051-000-0000' },
      })
    ).body.id;
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    await Promise.all([suno.stop(), creatomate.stop(), openai.stop()]);
    await azurite.destroy();
    removeDir(dir);
  });

  /** Requests of one project: ours carry its id in the Idempotency-Key; record-info by task. */
  const ofProject = (pid: string) => (req: FakeRequest) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    if (key) return key.startsWith(`${pid}:`);
    const task = suno.tasks.get(req.query.get('taskId') ?? '');
    return !!task?.key?.startsWith(`${pid}:`);
  };
  const paidFor = (fake: FakeHttpServer, pid: string) =>
    fake.paidCalls((r) => !!r.key?.startsWith(`${pid}:`));

  async function start(serve: (pid: string) => void): Promise<string> {
    const res = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, autopilot: true, lengthSec: 15 },
    });
    expect(res.status).toBe(202);
    serve(res.body.id); // before the scheduler's first tick reaches the provider
    return res.body.id;
  }

  const finished = (pid: string, timeoutMs = 240_000) =>
    waitFor(
      `project ${pid} to end`,
      async () => {
        const p = (await api.request('GET', `/v1/projects/${pid}`, { token })).body;
        return p.state === 'DONE' || p.state === 'FAILED' ? p : undefined;
      },
      timeoutMs,
      100,
    );

  async function usageOf(pid: string) {
    const rows = await api.get(UsageRepository).forProject(pid);
    const by: Record<string, number> = {};
    for (const r of rows) by[r.provider] = (by[r.provider] ?? 0) + 1;
    return { rows, by };
  }

  async function expectRow(pid: string, r: Row) {
    const p = await finished(pid);
    // a slow answer (taken, then lost to our timeout) is in the log once it has ended
    await waitFor(
      'the fakes to finish answering',
      async () =>
        Object.values(fakes).every((f) => !f.inFlight.some((k) => k.startsWith(`${pid}:`))) ||
        undefined,
    );
    const label = `${r.fake} ${r.row}${r.times ? ` x${r.times}` : ''}`;
    expect([label, p.state]).toEqual([label, r.state]);
    if (r.error) expect([label, p.lastError]).toEqual([label, expect.stringMatching(r.error)]);
    expect([label, paidFor(openai, pid), paidFor(suno, pid), paidFor(creatomate, pid)]).toEqual([
      label,
      r.paid.lyrics,
      r.paid.song,
      // a render's paid count is Creatomate's; FFmpeg is ours
      r.paid.video,
    ]);
    const { rows, by } = await usageOf(pid);
    expect([label, by]).toEqual([label, r.usage]);
    for (const u of rows)
      expect([label, u.provider, u.costUsd > 0]).toEqual([label, u.provider, true]);
    if (r.engine) {
      const video = await api
        .get(DatabaseRouter)
        .read((em) => em.findOne(VideoEntity, { where: { projectId: pid } }));
      expect([label, video?.engine]).toEqual([label, r.engine]);
    }
    if (r.event) {
      const events = await api
        .get(DatabaseRouter)
        .read((em) => em.find(ProjectEventEntity, { where: { projectId: pid } }));
      expect([label, events.some((e) => r.event!.test(e.message ?? ''))]).toEqual([label, true]);
    }
  }

  it('serves every row to its own project: paid submissions from the fakes’ logs, usage rows, outcome', async () => {
    const started = await Promise.all(
      ROWS.map(async (r) => {
        const pid = await start((id) =>
          fakes[r.fake].serve(r.row, { times: r.times ?? 1, when: ofProject(id) }),
        );
        return [pid, r] as const;
      }),
    );
    for (const [pid, r] of started) await expectRow(pid, r);
    // the OpenAI billing refusal was asked once: the SDK's own retries did not resend it
    const quota = started.find(([, r]) => r.row === '429-insufficient_quota')![0];
    expect(openai.requests.filter((q) => q.key?.startsWith(`${quota}:`))).toHaveLength(1);
    // the cut-short completion and its longer retry: two bills, each its own usage row
    const cut = started.find(([, r]) => r.row === 'finish-length' && !r.times)![0];
    const billed = openai.requests
      .map((q, i) => ({ q, i }))
      .filter(({ q }) => q.paid && q.key?.startsWith(`${cut}:`));
    expect(billed).toHaveLength(2);
    const lyricsUsage = (await usageOf(cut)).rows.filter((u) => u.provider === 'openai');
    expect(lyricsUsage).toHaveLength(2);
    for (const u of lyricsUsage) expect(u.units).toBeGreaterThan(0);
    // fallbacks are counted
    const metric = await registry.getSingleMetric('castad_video_fallbacks_total')!.get();
    expect(
      metric.values.find((v) => v.labels.from === 'creatomate' && v.labels.to === 'ffmpeg')?.value,
    ).toBeGreaterThanOrEqual(5);
  });

  it('falls back on a 429 whose Retry-After is longer than the bound, and says so', async () => {
    creatomate.retryAfterSec = 600;
    try {
      const pid = await start((id) => creatomate.serve('status-429', { when: ofProject(id) }));
      await expectRow(pid, {
        fake: 'creatomate',
        row: 'status-429 (600 s)',
        state: 'DONE',
        paid: { lyrics: 1, song: 1, video: 0 },
        usage: fellBack,
        engine: 'ffmpeg',
        event:
          /creatomate answered 429: rate limited, asking to wait 600 s \(more than the 5 s we wait\), rendered with ffmpeg/,
      });
    } finally {
      creatomate.retryAfterSec = 1;
    }
  });

  it('falls back on the last try when Creatomate answers 429 on every try (its short waits spent), visible and metered', async () => {
    const pid = await start((id) =>
      creatomate.serve('status-429', { when: ofProject(id), times: 100 }),
    );
    await expectRow(pid, {
      fake: 'creatomate',
      row: 'status-429 (every try)',
      state: 'DONE',
      paid: { lyrics: 1, song: 1, video: 0 },
      usage: fellBack,
      engine: 'ffmpeg',
      event:
        /creatomate answered 429: rate limited on every try, the last one included, rendered with ffmpeg/,
    });
  });

  it('expired Suno files of a task Suno no longer has: one new generation, both metered', async () => {
    const pid = await start((id) => {
      suno.serve('expired-audio-url', { when: ofProject(id) });
      suno.serve('task-gone', { when: ofProject(id) });
    });
    await expectRow(pid, {
      fake: 'suno',
      row: 'expired-audio-url then task-gone',
      state: 'DONE',
      paid: { lyrics: 1, song: 2, video: 1 },
      usage: { openai: 1, suno: 2, creatomate: 1 },
      event: /a new song is generated \(the song service no longer has it/,
    });
  });

  it('an account out of credits: FAILED at once with a reason; the next song is refused before sending', async () => {
    const credits = suno.credits;
    suno.credits = suno.creditsPerSong - 1;
    try {
      // the balance as last seen here covered it: sent, and Suno answers code 429
      const first = await start(() => undefined);
      await expectRow(first, {
        fake: 'suno',
        row: 'credits run out elsewhere',
        state: 'FAILED',
        paid: { lyrics: 1, song: 0, video: 0 },
        usage: { openai: 1 },
        error: /out of credits: an administrator must top up.*suno answered 429/,
      });
      // now known to be low: read again, and nothing is sent
      const checks = suno.count('GET', '/api/v1/generate/credit');
      const second = await start(() => undefined);
      await expectRow(second, {
        fake: 'suno',
        row: 'credit below one song',
        state: 'FAILED',
        paid: { lyrics: 1, song: 0, video: 0 },
        usage: { openai: 1 },
        error: /out of credits.*nothing was sent/,
      });
      expect(suno.requests.filter((q) => q.key?.startsWith(`${second}:`))).toHaveLength(0);
      expect(suno.count('GET', '/api/v1/generate/credit')).toBeGreaterThan(checks);
      const song = (await api.get(ProviderHealthService).report()).find((h) => h.area === 'song');
      expect(song?.lastError).toMatch(/out of credits/);
    } finally {
      suno.credits = credits;
    }
  });

  it('retrying a project whose song task failed generates anew', async () => {
    const pid = await start((id) => suno.serve('GENERATE_AUDIO_FAILED', { when: ofProject(id) }));
    expect((await finished(pid)).state).toBe('FAILED');
    expect((await api.request('POST', `/v1/projects/${pid}/retry`, { token })).status).toBeLessThan(
      300,
    );
    await expectRow(pid, {
      fake: 'suno',
      row: 'GENERATE_AUDIO_FAILED, then POST /retry',
      state: 'DONE',
      paid: { lyrics: 1, song: 2, video: 1 },
      usage: { openai: 1, suno: 2, creatomate: 1 },
      event: /a new song is generated \(the last one ended in Suno: GENERATE_AUDIO_FAILED/,
    });
  });

  it('retrying a project whose song files expired re-reads the task for fresh URLs before paying again', async () => {
    const pid = await start((id) =>
      suno.serve('expired-audio-url', { when: ofProject(id), times: 2 }),
    );
    // both reads hand out URLs that die: the step fails, the song was paid once
    const failed = await finished(pid);
    expect(failed.state).toBe('FAILED');
    expect(failed.lastError).toMatch(/expired/);
    expect(paidFor(suno, pid)).toBe(1);
    const retried = await api.request('POST', `/v1/projects/${pid}/retry`, { token });
    expect(retried.status).toBeLessThan(300);
    await expectRow(pid, {
      fake: 'suno',
      row: 'expired twice, then POST /retry',
      state: 'DONE',
      paid: ok,
      usage: allUsage,
    });
  });

  it('cost:report for the day shows Creatomate and FFmpeg renders apart, with their costs', () => {
    const out = execFileSync(
      process.execPath,
      ['dist/apps/cli/src/main.js', 'cost:report', '--by-day', '--json'],
      { env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8' },
    );
    const rows = JSON.parse(out) as { provider: string; calls: number; costUsd: number }[];
    const of = (p: string) => rows.find((r) => r.provider === p);
    expect(of('creatomate')).toMatchObject({ calls: expect.any(Number) });
    expect(of('ffmpeg')!.calls).toBeGreaterThanOrEqual(6);
    expect(of('creatomate')!.costUsd).toBeGreaterThan(0);
    expect(of('ffmpeg')!.costUsd).toBeGreaterThan(0);
    expect(rows.map((r) => r.provider).sort()).toEqual(['creatomate', 'ffmpeg', 'openai', 'suno']);
  });
});
