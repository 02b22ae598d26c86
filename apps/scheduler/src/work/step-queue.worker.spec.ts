import { WorkResult } from '@app/domain';
import { keepsFinishedRecord } from './step-queue.worker';
import { WorkJob } from './work-dispatcher';

const job = (kind: WorkJob['kind']): WorkJob => ({
  kind,
  id: 'p1',
  leaseOwner: 'owner',
  key: 'p1:poll_song:1',
  provider: 'song',
});

describe('which finished Bull jobs keep their record (their id)', () => {
  it('keeps a step whose run spent its key: advanced, retried, failed', () => {
    for (const r of ['advanced', 'retrying', 'failed'] as WorkResult[])
      expect([r, keepsFinishedRecord(job('step'), r)]).toEqual([r, true]);
  });

  it('frees the id of a run whose key comes again (a wait, a release, a lost lease, a skip)', () => {
    // kept, the record would make the next add of the same id a no-op: the work would stall
    for (const r of ['waiting', 'released', 'lost-lease', 'skipped'] as WorkResult[])
      expect([r, keepsFinishedRecord(job('step'), r)]).toEqual([r, false]);
  });

  it("frees every publication's id: its attempts restart, so its keys recur", () => {
    expect(keepsFinishedRecord(job('publication'), 'advanced')).toBe(false);
    expect(keepsFinishedRecord(job('publication'), 'retrying')).toBe(false);
  });
});
