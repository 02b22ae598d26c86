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
