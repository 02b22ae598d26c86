import { ProviderRejectedError, ProviderUnavailableError, withCharge } from '@app/integrations';
import { quotaWindow } from '../quota-window';
import { config, context, InMemoryEvents, project, support } from './step-doubles.test';

describe('what the steps share', () => {
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

    it('meters the charge of a failed call, then rethrows; an uncharged failure meters nothing', async () => {
      const t = support();
      const { ctx } = context(project());
      const charged = withCharge(new ProviderRejectedError('openai', 'cut short'), {
        unit: 'token',
        units: 7,
      });
      await expect(
        t.metering.chargedOnFailure(ctx, 'openai', 'write_lyrics', () => Promise.reject(charged)),
      ).rejects.toBe(charged);
      const plain = new ProviderUnavailableError('openai', 'down');
      await expect(
        t.metering.chargedOnFailure(ctx, 'openai', 'write_lyrics', () => Promise.reject(plain)),
      ).rejects.toBe(plain);
      expect(t.usage.rows.map((r) => r.units)).toEqual([7]);
      expect(
        await t.metering.chargedOnFailure(ctx, 'openai', 'write_lyrics', async () => 'ok'),
      ).toBe('ok');
    });
  });

  describe('SubmissionGuard', () => {
    const pending = (ageMs: number | null) =>
      context(
        project({
          pendingSubmissionKey: 'k0',
          pendingSubmissionAt: ageMs === null ? null : new Date(Date.now() - ageMs),
        }),
      ).ctx;

    it('lets a first submission and any submission to a deduplicating engine through', () => {
      const { guard } = support();
      expect(guard.recover(context(project()).ctx, false)).toBeUndefined();
      expect(guard.recover(pending(1000), true)).toBeUndefined();
    });

    it('holds a possibly-sent submission within the window and fails it past the window', () => {
      const { guard } = support();
      const wait = guard.recover(pending(1000), false);
      expect(wait).toMatchObject({ kind: 'wait' });
      // looked at again soon (a quarter of the window, at most 15 s), for the callback to land
      expect(wait!.kind === 'wait' && wait!.nextRunAt.getTime() - Date.now()).toBeLessThanOrEqual(
        15_000,
      );
      expect(guard.recover(pending(config.pipeline.submissionRecoveryMs), false)).toMatchObject({
        kind: 'fail',
      });
      // a marker without its time is as old as can be
      expect(guard.recover(pending(null), false)).toMatchObject({ kind: 'fail' });
    });

    it('sends under the key a crashed attempt marked, else under this attempt’s', () => {
      const { guard } = support();
      expect(guard.key(pending(0))).toBe('k0');
      expect(guard.key(context(project(), 'p1:submit_song:2').ctx)).toBe('p1:submit_song:2');
    });

    it('waits on a spent budget until it resets or the recheck, with the reason as a column', async () => {
      const t = support(undefined, undefined, { ...config, dailyBudgetUsd: { suno: 3 } });
      expect(await t.guard.budgetWait('creatomate')).toBeUndefined();
      t.usage.spent.suno = 2.5;
      expect(await t.guard.budgetWait('suno')).toBeUndefined();
      t.usage.spent.suno = 3;
      const wait = await t.guard.budgetWait('suno');
      expect(wait).toMatchObject({
        kind: 'wait',
        patch: { waitReason: 'budget', lastError: expect.stringContaining('daily suno budget') },
      });
      const due = wait!.kind === 'wait' ? wait!.nextRunAt.getTime() : 0;
      const bound = Math.min(
        quotaWindow(new Date()).resetsAt.getTime(),
        Date.now() + config.pipeline.budgetRecheckMs,
      );
      expect(Math.abs(due - bound)).toBeLessThan(1000);
    });

    describe('the daily budget held under concurrency', () => {
      /** a render of 30 s at $0.016 a second: $0.48; a budget of $0.60 leaves room for one */
      const render = { unit: 'render_second', units: 30 };
      const budgeted = () => {
        const t = support(undefined, undefined, {
          ...config,
          dailyBudgetUsd: { creatomate: 0.3 },
        });
        t.usage.prices['creatomate:render_second'] = 0.016;
        return t;
      };

      it('lets one of two submissions checked at the same moment through when only one fits', async () => {
        const t = budgeted();
        const outcomes = await Promise.all([
          t.guard.holdBudget('creatomate', 'p1:submit_video:1', render),
          t.guard.holdBudget('creatomate', 'p2:submit_video:1', render),
        ]);
        expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
        expect(outcomes.find((o) => o !== undefined)).toMatchObject({
          kind: 'wait',
          patch: { waitReason: 'budget' },
        });
        expect([...t.holds.held.values()]).toEqual([0.48]);
        // a look for a fallback sees the held room as taken too
        expect(await t.guard.budgetWait('creatomate')).toMatchObject({ kind: 'wait' });
      });

      it('keeps the hold of a resend under the same key instead of counting it twice', async () => {
        const t = budgeted();
        expect(await t.guard.holdBudget('creatomate', 'k1', render)).toBeUndefined();
        expect(await t.guard.holdBudget('creatomate', 'k1', render)).toBeUndefined();
        expect([...t.holds.held.values()]).toEqual([0.48]);
      });

      it('ends the hold once metered or refused by the provider; keeps it when the call may have been charged', async () => {
        const t = budgeted();
        const { ctx } = context(project());
        const held = async (key: string) =>
          expect(await t.guard.holdBudget('creatomate', key, render)).toBeUndefined();
        await held('metered');
        await t.guard.settled(ctx, 'creatomate', 'metered', async () => {
          t.usage.spent.creatomate = 0.2; // its usage row, at its real cost
        });
        expect(t.holds.held.size).toBe(0);
        await held('refused');
        const refusal = new ProviderRejectedError('creatomate', 'out of credits');
        await expect(
          t.guard.settled(ctx, 'creatomate', 'refused', () => Promise.reject(refusal)),
        ).rejects.toBe(refusal);
        expect(t.holds.held.size).toBe(0);
        for (const doubt of [
          new ProviderUnavailableError('creatomate', 'timed out', undefined, true),
          new Error('the database went away after the call'),
        ]) {
          await held('in-doubt');
          await expect(
            t.guard.settled(ctx, 'creatomate', 'in-doubt', () => Promise.reject(doubt)),
          ).rejects.toBe(doubt);
          expect([...t.holds.held.keys()]).toEqual(['creatomate:in-doubt']);
        }
        // the held room counts: another submission waits until the day's end or the release
        expect(await t.guard.holdBudget('creatomate', 'next', render)).toMatchObject({
          kind: 'wait',
        });
      });

      it('keeps a call that went through when its hold cannot be released (no second paid call)', async () => {
        const t = budgeted();
        const { ctx } = context(project());
        expect(await t.guard.holdBudget('creatomate', 'taken', render)).toBeUndefined();
        t.holds.release = () => Promise.reject(new Error('the database went away'));
        await expect(
          t.guard.settled(ctx, 'creatomate', 'taken', async () => 'task-1'),
        ).resolves.toBe('task-1');
      });

      it('holds nothing for a provider without a budget', async () => {
        const t = budgeted();
        expect(await t.guard.holdBudget('suno', 'k', { unit: 'song', units: 1 })).toBeUndefined();
        expect(t.holds.held.size).toBe(0);
      });
    });

    it('builds callback URLs per lane, not per vendor, with the project’s token and the key', () => {
      const { guard } = support();
      const { ctx } = context(project({ id: 'p9', callbackToken: 't0k' }));
      expect(guard.callbackUrl('song', ctx, 'p9:submit_song:1')).toBe(
        'https://api.castad.test/v1/webhooks/song/p9/t0k?key=p9%3Asubmit_song%3A1',
      );
      expect(guard.callbackUrl('video', ctx, 'k')).toBe(
        'https://api.castad.test/v1/webhooks/video/p9/t0k?key=k',
      );
    });
  });

  describe('StepProgressWriter', () => {
    it('writes a polled stage only when it moves the percent past the last one written', async () => {
      const t = support();
      const { ctx } = context(project({ state: 'VIDEO_SUBMITTED' }));
      await t.progress.polled(ctx, 'poll_video', 0);
      await t.progress.polled(ctx, 'poll_video', 0.25);
      await t.progress.polled(ctx, 'poll_video', 0.2);
      await t.progress.polled(ctx, 'poll_video', 0.5);
      expect(t.events.progress.map((p) => p.percent)).toEqual([47, 64]);
    });

    it('does not fail the step when a report cannot be written', async () => {
      const events = new InMemoryEvents();
      events.recordProgress = () => Promise.reject(new Error('db gone'));
      const t = support(undefined, events);
      const { ctx } = context(project({ state: 'VIDEO_SUBMITTED' }));
      await expect(t.progress.polled(ctx, 'poll_video', 0.5)).resolves.toBeUndefined();
    });
  });
});
