import { ProviderUnavailableError } from '@app/integrations';
import { quotaWindow } from '../quota-window';
import { config, context, InMemoryEvents, project, support } from './step-doubles.test';

describe('what the steps share', () => {
  describe('SubmissionGuard', () => {
    const pending = (ageMs: number | null) =>
      context(
        project({
          pendingSubmissionKey: 'k0',
          pendingSubmissionAt: ageMs === null ? null : new Date(Date.now() - ageMs),
        }),
      ).ctx;

    const suno = { name: 'suno', dedupesByKey: false };

    it('lets a first submission and any submission to a deduplicating engine through', async () => {
      const { guard } = support();
      expect(await guard.recover(context(project()).ctx, suno, 'submit_song')).toBeUndefined();
      const deduped = { ...suno, dedupesByKey: true };
      expect(await guard.recover(pending(1000), deduped, 'submit_song')).toBeUndefined();
    });

    it('holds a possibly-sent submission within the window for its callback', async () => {
      const { guard } = support();
      const wait = await guard.recover(pending(1000), suno, 'submit_song');
      expect(wait).toMatchObject({ kind: 'wait' });
      // looked at again soon (a quarter of the window, at most 15 s), for the callback to land
      expect(wait!.kind === 'wait' && wait!.nextRunAt.getTime() - Date.now()).toBeLessThanOrEqual(
        15_000,
      );
    });

    it('past the window with no sign of it, submits again as the next attempt, its unanswered row and hold gone', async () => {
      const t = support(undefined, undefined, { ...config, dailyBudgetUsd: { suno: 10 } });
      const ctx = pending(config.pipeline.submissionRecoveryMs);
      await t.usage.sent(
        {
          projectId: 'p1',
          userId: 'u1',
          provider: 'suno',
          operation: 'submit_song',
          unit: 'song',
          units: 1,
          idempotencyKey: 'k0',
        },
        false,
      );
      await t.guard.holdBudget('suno', 'k0', { unit: 'song', units: 1 });
      const before = Date.now();
      const out = await t.guard.recover(ctx, suno, 'submit_song');
      expect(out).toMatchObject({
        kind: 'wait',
        patch: { stepAttempts: 1, pendingSubmissionKey: null, pendingSubmissionAt: null },
      });
      expect(out!.kind === 'wait' && out!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(out!.kind === 'wait' && out!.nextRunAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(t.usage.rows).toEqual([]);
      expect(t.holds.held.size).toBe(0);
      // a marker without its time is as old as can be
      expect(await t.guard.recover(pending(null), suno, 'submit_song')).toMatchObject({
        kind: 'wait',
        patch: { stepAttempts: 1 },
      });
    });

    it('fails with a reason when the lost submission was the last attempt', async () => {
      const { guard } = support();
      const last = {
        ...pending(config.pipeline.submissionRecoveryMs),
        attempt: config.pipeline.maxAttempts,
      };
      expect(await guard.recover(last, suno, 'submit_song')).toMatchObject({
        kind: 'fail',
        reason: expect.stringMatching(/no sign.*last attempt/),
      });
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
          dailyBudgetUsd: { creatomate: 0.6 },
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
        expect(await t.guard.budgetWait('creatomate', render)).toMatchObject({ kind: 'wait' });
        // a cheaper one would still fit beside the hold
        const short = { unit: 'render_second', units: 5 };
        expect(await t.guard.budgetWait('creatomate', short)).toBeUndefined();
      });

      it('fails a submission whose estimate alone is over the whole budget (it would wait for ever)', async () => {
        const t = budgeted();
        const long = { unit: 'render_second', units: 60 }; // $0.96 against $0.60
        await expect(t.guard.holdBudget('creatomate', 'k-long', long)).rejects.toThrow(
          /estimated cost \(\$0\.96\) is more than the whole daily creatomate budget \(\$0\.6\)/,
        );
        expect(t.holds.held.size).toBe(0);
      });

      it('keeps the hold of a resend under the same key instead of counting it twice', async () => {
        const t = budgeted();
        expect(await t.guard.holdBudget('creatomate', 'k1', render)).toBeUndefined();
        expect(await t.guard.holdBudget('creatomate', 'k1', render)).toBeUndefined();
        expect([...t.holds.held.values()]).toEqual([0.48]);
      });

      it('marks the submission and ends its hold once its sent row counts against the budget', async () => {
        const t = budgeted();
        const { ctx, marked } = context(project());
        const call = {
          provider: 'creatomate',
          operation: 'submit_video' as const,
          estimate: render,
          dedupesByKey: false,
        };
        const submit = (key: string, run: () => Promise<string>) =>
          t.guard.submit(
            ctx,
            { ...call, key },
            async (sending) => (await sending(), run()),
            () => ({ provider: 'creatomate', usage: render }),
          );
        expect(await t.guard.holdBudget('creatomate', 'k1', render)).toBeUndefined();
        expect(
          await submit('k1', async () => {
            // the request leaves now: marked, its row sent, its hold gone
            expect(marked).toEqual(['k1']);
            expect(t.usage.rows).toMatchObject([{ status: 'sent', idempotencyKey: 'k1' }]);
            expect(t.holds.held.size).toBe(0);
            return 'task-1';
          }),
        ).toBe('task-1');
        expect(t.usage.rows).toMatchObject([{ status: 'settled', units: 30 }]);
        // in doubt (a cut connection): the sent row stays, counting the possible charge once
        expect(await t.guard.holdBudget('creatomate', 'k2', render)).toBeUndefined();
        const doubt = new ProviderUnavailableError('creatomate', 'timed out', undefined, true);
        await expect(submit('k2', () => Promise.reject(doubt))).rejects.toBe(doubt);
        expect(t.usage.rows.map((r) => [r.idempotencyKey, r.status])).toEqual([
          ['k1', 'settled'],
          ['k2', 'sent'],
        ]);
        expect(t.holds.held.size).toBe(0);
      });

      it('keeps a call that went through when its hold cannot be released (no second paid call)', async () => {
        const t = budgeted();
        const { ctx } = context(project());
        expect(await t.guard.holdBudget('creatomate', 'taken', render)).toBeUndefined();
        t.holds.release = () => Promise.reject(new Error('the database went away'));
        const call = {
          provider: 'creatomate',
          operation: 'submit_video' as const,
          estimate: render,
          dedupesByKey: false,
          key: 'taken',
        };
        await expect(
          t.guard.submit(
            ctx,
            call,
            async (sending) => (await sending(), 'task-1'),
            () => ({ provider: 'creatomate', usage: render }),
          ),
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
