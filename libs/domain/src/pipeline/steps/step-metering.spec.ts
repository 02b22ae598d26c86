import { ProviderRejectedError, ProviderUnavailableError, withCharge } from '@app/integrations';
import { context, project, support } from './step-doubles.test';

describe('StepMetering', () => {
  it('records a call once per key, and nothing for a call that used nothing', async () => {
    const t = support();
    const { ctx } = context(project(), 'p1:write_lyrics:1');
    await t.metering.record(ctx, 'openai', 'write_lyrics', { unit: 'token', units: 10 });
    await t.metering.record(ctx, 'openai', 'write_lyrics', { unit: 'token', units: 10 });
    await t.metering.record(ctx, 'template', 'write_lyrics', { unit: 'token', units: 0 });
    expect(t.usage.rows).toEqual([
      {
        projectId: 'p1',
        userId: 'u1',
        provider: 'openai',
        operation: 'write_lyrics',
        unit: 'token',
        units: 10,
        idempotencyKey: 'p1:write_lyrics:1',
      },
    ]);
  });

  /** a paid call of the lyrics lane: 500 tokens expected */
  const lyricsCall = { provider: 'openai', operation: 'write_lyrics' as const };
  const estimate = { unit: 'token', units: 500 };
  const answered = (units: number) => () => ({
    provider: 'openai',
    usage: { unit: 'token', units },
  });

  it('writes the row as sent with the estimate right before the call leaves, then settles it from the answer', async () => {
    const t = support();
    const { ctx } = context(project(), 'p1:write_lyrics:1');
    const call = { ...lyricsCall, estimate, dedupesByKey: false };
    const seen: unknown[] = [];
    const out = await t.metering.paid(
      ctx,
      call,
      async (sending) => {
        expect(t.usage.rows).toEqual([]); // nothing before the request is ready
        await sending();
        seen.push(...t.usage.rows.map((r) => ({ status: r.status, units: r.units })));
        return 'lyrics';
      },
      answered(7),
    );
    expect(out).toBe('lyrics');
    expect(seen).toEqual([{ status: 'sent', units: 500 }]);
    expect(t.usage.rows).toMatchObject([{ status: 'settled', units: 7, provider: 'openai' }]);
  });

  it('keeps the estimate of a call whose answer never came, and gives a resend of the key its own row', async () => {
    const t = support();
    const { ctx } = context(project(), 'p1:write_lyrics:1');
    const call = { ...lyricsCall, estimate, dedupesByKey: false };
    const cut = new ProviderUnavailableError('openai', 'timed out', undefined, true);
    await expect(
      t.metering.paid(
        ctx,
        call,
        async (sending) => (await sending(), Promise.reject(cut)),
        answered(7),
      ),
    ).rejects.toBe(cut);
    // a crash mid-call left nothing but its row; the run after it calls again under the same key
    await t.metering.paid(ctx, call, async (sending) => void (await sending()), answered(9));
    expect(t.usage.rows.map((r) => [r.status, r.units])).toEqual([
      ['sent', 500],
      ['settled', 9],
    ]);
  });

  it('gives every try a provider may bill a row of its own, each settled by its own answer', async () => {
    const t = support();
    const { ctx } = context(project(), 'p1:write_lyrics:1');
    const call = { ...lyricsCall, estimate, dedupesByKey: false };
    // a try whose answer was lost, its resend answered, then a second completion answered
    const out = await t.metering.paid(
      ctx,
      call,
      async (sending, answeredTry) => {
        await sending();
        await sending();
        await answeredTry({ unit: 'token', units: 7 });
        await sending();
        await answeredTry({ unit: 'token', units: 11 });
        return 'lyrics';
      },
      answered(18),
    );
    expect(out).toBe('lyrics');
    expect(t.usage.rows.map((r) => [r.status, r.units])).toEqual([
      ['sent', 500],
      ['settled', 7],
      ['settled', 11],
    ]);
    // a try answered with nothing billable leaves no row; a lost last try keeps its estimate
    const lost = new ProviderUnavailableError('openai', 'timed out', undefined, true);
    const again = context(project(), 'p1:write_lyrics:2').ctx;
    await expect(
      t.metering.paid(
        again,
        call,
        async (sending, answeredTry) => {
          await sending();
          await answeredTry({ unit: 'token', units: 0 });
          await sending();
          throw lost;
        },
        answered(1),
      ),
    ).rejects.toBe(lost);
    expect(
      t.usage.rows.filter((r) => r.idempotencyKey === 'p1:write_lyrics:2').map((r) => r.units),
    ).toEqual([500]);
  });

  it('meters a refusal by what it charged (no row when nothing), and a deduplicating resend in one row', async () => {
    const t = support();
    const { ctx } = context(project(), 'p1:write_lyrics:1');
    const call = { ...lyricsCall, estimate, dedupesByKey: false };
    const charged = withCharge(new ProviderRejectedError('openai', 'cut short'), {
      unit: 'token',
      units: 7,
    });
    const refuse = (err: Error) => async (sending: () => Promise<void>) => {
      await sending();
      throw err;
    };
    await expect(t.metering.paid(ctx, call, refuse(charged), answered(1))).rejects.toBe(charged);
    const plain = new ProviderRejectedError('openai', 'refused');
    await expect(t.metering.paid(ctx, call, refuse(plain), answered(1))).rejects.toBe(plain);
    // refused before the request left (moderation): nothing sent, nothing metered
    await expect(t.metering.paid(ctx, call, () => Promise.reject(plain), answered(1))).rejects.toBe(
      plain,
    );
    expect(t.usage.rows.map((r) => [r.status, r.units])).toEqual([['settled', 7]]);
    const deduped = { ...call, dedupesByKey: true, key: 'k9' };
    await t.metering.paid(ctx, deduped, async (sending) => void (await sending()), answered(3));
    await t.metering.paid(ctx, deduped, async (sending) => void (await sending()), answered(3));
    expect(t.usage.rows.filter((r) => r.idempotencyKey === 'k9')).toHaveLength(1);
  });
});

/**
 * A paid call's row is written as "sent" with its estimate before the call leaves; its answer
 * is written down only where it says something else, or where recovery would take a row left
 * "sent" for a call the provider never got (a submission to a provider that does not dedupe).
 */
describe('StepMetering: the answer written down only where it matters', () => {
  const render = { unit: 'render_second', units: 30 };
  const asEstimated = () => ({ provider: 'creatomate', usage: render });

  /** the metering doubles, counting the UPDATEs that settle a row */
  function counted() {
    const t = support();
    const settled: string[] = [];
    const settle = t.usage.settle.bind(t.usage);
    t.usage.settle = async (id, u) => (settled.push(id), settle(id, u));
    return { ...t, settled };
  }

  const submission = (dedupesByKey: boolean, key = 'k1') => ({
    provider: 'creatomate',
    operation: 'submit_video' as const,
    estimate: render,
    dedupesByKey,
    key,
  });
  const sendThen = (v: string) => async (sending: () => Promise<void>) => (await sending(), v);

  it('leaves as written the row of a deduplicated submission whose answer says the estimate', async () => {
    const t = counted();
    const { ctx } = context(project());
    await t.guard.submit(ctx, submission(true), sendThen('task-1'), asEstimated);
    expect(t.settled).toEqual([]);
    expect(t.usage.rows).toMatchObject([{ status: 'sent', units: 30, provider: 'creatomate' }]);
  });

  it('always settles a submission recovery may drop (no deduplication), even as estimated', async () => {
    const t = counted();
    const { ctx } = context(project());
    await t.guard.submit(ctx, submission(false), sendThen('task-1'), asEstimated);
    expect(t.settled).toHaveLength(1);
    expect(t.usage.rows).toMatchObject([{ status: 'settled', units: 30 }]);
    // recovery of that key after a crash finds an answered call: nothing to drop
    expect(await t.usage.dropUnanswered('creatomate', 'submit_video', 'k1')).toBe(0);
  });

  it('settles an answer that says something else: other units, or another engine took it', async () => {
    const t = counted();
    const { ctx } = context(project());
    await t.guard.submit(ctx, submission(true, 'k1'), sendThen('a'), () => ({
      provider: 'creatomate',
      usage: { unit: 'render_second', units: 28 },
    }));
    await t.guard.submit(ctx, submission(true, 'k2'), sendThen('b'), () => ({
      provider: 'ffmpeg',
      usage: render,
    }));
    expect(t.usage.rows.map((r) => [r.idempotencyKey, r.status, r.provider, r.units])).toEqual([
      ['k1', 'settled', 'creatomate', 28],
      ['k2', 'settled', 'ffmpeg', 30],
    ]);
  });

  it('writes again a deduplicated resend whose row an earlier call wrote (it may hold another answer)', async () => {
    const t = counted();
    const { ctx } = context(project());
    await t.guard.submit(ctx, submission(true), sendThen('a'), () => ({
      provider: 'creatomate',
      usage: { unit: 'render_second', units: 28 },
    }));
    await t.guard.submit(ctx, submission(true), sendThen('a'), asEstimated);
    expect(t.settled).toHaveLength(2);
    expect(t.usage.rows).toMatchObject([{ status: 'settled', units: 30 }]);
  });

  it('leaves as written a lyrics call answered as estimated (no recovery drops it)', async () => {
    const t = counted();
    const { ctx } = context(project(), 'p1:write_lyrics:1');
    const estimate = { unit: 'token', units: 500 };
    const call = {
      provider: 'openai',
      operation: 'write_lyrics' as const,
      estimate,
      dedupesByKey: false,
      droppedIfUnanswered: false,
    };
    await t.metering.paid(ctx, call, sendThen('lyrics'), () => ({
      provider: 'openai',
      usage: estimate,
    }));
    expect(t.settled).toEqual([]);
    expect(t.usage.rows).toMatchObject([{ status: 'sent', units: 500 }]);
    // a call that does not say may be dropped is settled as before
    await t.metering.paid(
      ctx,
      { ...call, droppedIfUnanswered: undefined, key: 'k2' },
      sendThen('lyrics'),
      () => ({ provider: 'openai', usage: estimate }),
    );
    expect(t.settled).toHaveLength(1);
  });
});
