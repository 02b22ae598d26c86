import { describeWithServers } from '../harness/binaries';
import { StagedStack } from '../harness/staged-stack';
import { waitFor } from '../harness/ports';

jest.setTimeout(300_000);

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'operations on real MariaDB: costs, budgets, requeue, keys',
  () => {
    const stack = new StagedStack({
      SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
      CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
    });
    beforeAll(() => stack.start());
    afterAll(() => stack.destroy());
    const json = (...args: string[]) => JSON.parse(stack.cli(...args, '--json'));
    const sumByProvider = async () =>
      Object.fromEntries(
        (
          await stack.db.primary.query<{ provider: string; total: number; n: number }[]>(
            'SELECT provider, SUM(cost_usd) AS total, COUNT(*) AS n FROM castad.usage_records GROUP BY provider',
          )
        ).map((r) => [r.provider, { total: Number(r.total), n: Number(r.n) }]),
      );

    it('cost:report over 20 metered projects equals the sum of the recorded calls', async () => {
      const { proc } = await stack.startScheduler();
      const ids = await stack.createProjects(20);
      await stack.waitAll(ids, (s) => s === 'DONE', 120_000);
      await proc.stop();
      const recorded = await sumByProvider();
      expect(recorded.suno.n).toBe(20);
      expect(recorded.suno.total).toBeCloseTo(20 * 0.1, 6);
      expect(recorded.creatomate.n).toBe(20);
      const report = json('cost:report');
      const byProvider = Object.fromEntries(
        report.map((r: { provider: string }) => [r.provider, r]),
      );
      expect(byProvider.suno).toMatchObject({
        calls: 20,
        'document S3 estimate (USD/month)': 1400,
      });
      expect(byProvider.suno.costUsd).toBeCloseTo(recorded.suno.total, 6);
      expect(byProvider.creatomate.costUsd).toBeCloseTo(recorded.creatomate.total, 6);
      const byDay = json('cost:report', '--by-day');
      expect(byDay.reduce((a: number, r: { costUsd: number }) => a + r.costUsd, 0)).toBeCloseTo(
        recorded.suno.total + recorded.creatomate.total,
        6,
      );
    });

    it('pauses new Suno submissions once the daily budget is spent (projects wait, none fail) and continues when it resets', async () => {
      const spent = (await sumByProvider()).suno?.total ?? 0;
      const { proc } = await stack.startScheduler({
        // room for two songs at $0.10, not three: no submission takes the day past it
        DAILY_BUDGET_USD: JSON.stringify({ suno: spent + 0.25 }),
        BUDGET_RECHECK_MS: '300',
        PIPELINE_CONCURRENCY_SONG: '1',
      });
      const ids = await stack.createProjects(3);
      const waiting = await waitFor(
        'one project to wait on the budget',
        async () => {
          const s = await stack.states(ids);
          const done = ids.filter((id) => s[id].state === 'DONE');
          const paused = ids.filter((id) =>
            s[id].lastError?.startsWith('waiting: the daily suno budget'),
          );
          return done.length === 2 && paused.length === 1 ? paused[0] : undefined;
        },
        60_000,
        250,
      );
      const view = (await stack.api('GET', `/v1/projects/${waiting}`)).body;
      expect(view).toMatchObject({ state: 'LYRICS_READY', progress: { waitingFor: 'budget' } });
      expect(stack.paidCounts([waiting])[waiting].song).toBe(0);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await stack.states([waiting]))[waiting].state).toBe('LYRICS_READY'); // still waiting, not failed
      // the day turns: yesterday's spending no longer counts
      await stack.db.primary.query(
        "UPDATE castad.usage_records SET created_at = created_at - INTERVAL 2 DAY WHERE provider = 'suno'",
      );
      await stack.waitAll([waiting], (s) => s === 'DONE', 60_000);
      expect(stack.paidCounts([waiting])[waiting].song).toBe(1);
      await proc.stop();
    });

    it('requeues exactly the projects the filter matches, and a dry run changes nothing', async () => {
      const ids = await stack.createProjects(5, false);
      const [a, b, c, old, finished] = ids;
      const q = (sql: string, p: unknown[]) => stack.db.primary.query(sql, p);
      await q(
        "UPDATE castad.projects SET state = 'FAILED', step = 'prepare_store', next_run_at = NULL, last_error = 'x' WHERE id IN (?, ?, ?, ?)",
        [a, b, c, old],
      );
      await q("UPDATE castad.projects SET updated_at = '2020-01-01 00:00:00' WHERE id = ?", [old]);
      await q("UPDATE castad.projects SET state = 'DONE', next_run_at = NULL WHERE id = ?", [
        finished,
      ]);
      const since = new Date(Date.now() - 3600_000).toISOString();
      const before = await stack.states(ids);
      const dry = json('project:requeue', '--state', 'FAILED', '--since', since, '--dry-run');
      expect(dry.map((r: { id: string }) => r.id).sort()).toEqual([a, b, c].sort());
      expect(
        dry.every(
          (r: { action: string; done: boolean }) => r.action === 'retry' && r.done === false,
        ),
      ).toBe(true);
      expect(await stack.states(ids)).toEqual(before);
      const real = json('project:requeue', '--state', 'FAILED', '--since', since);
      expect(real.map((r: { id: string }) => r.id).sort()).toEqual([a, b, c].sort());
      const after = await stack.states(ids);
      expect([a, b, c].map((id) => after[id].state)).toEqual(['DRAFT', 'DRAFT', 'DRAFT']);
      expect([after[old].state, after[finished].state]).toEqual(['FAILED', 'DONE']);
    });

    it('a key revoked with the CLI stops working at once on every instance', async () => {
      const [issued] = json('key:issue', 'Crash Test Partner', '--scopes', 'stores:read');
      const call = () =>
        fetch(`http://127.0.0.1:${stack.apiPort}/v1/stores`, {
          headers: { 'x-api-key': issued.key },
        });
      expect((await call()).status).toBe(200);
      stack.cli('key:revoke', issued.prefix);
      expect((await call()).status).toBe(401);
    });
  },
);
