import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, ClaimedWork, Clock, WorkClaims } from '@app/domain';
import { LeadershipService } from '../leadership.service';
import { WorkDispatcher, WorkJob } from './work-dispatcher';
import { WorkTicker } from './work-ticker';

/** Publications waiting to be claimed, as WorkClaims would hand them out. */
class PublicationsDouble implements Pick<WorkClaims, 'claimPublications' | 'claimReadings'> {
  waiting = 0;
  claims = 0;
  /** accounts due for a reading of results, by when they are due */
  readersDueAt: number[] = [];
  readingClaims: Date[] = [];
  async claimReadings(token: string, room: number, _leaseMs: number, now: Date) {
    this.readingClaims.push(now);
    const due = this.readersDueAt.filter((t) => t <= now.getTime()).slice(0, room);
    this.readersDueAt = this.readersDueAt.filter((t) => !due.includes(t));
    return due.map((t): ClaimedWork => ({
      kind: 'reading',
      id: `a${t}`,
      leaseOwner: token,
      key: `a${t}:read:${t}`,
      provider: 'publish',
    }));
  }
  async claimPublications(token: string, room: number): Promise<ClaimedWork[]> {
    this.claims++;
    const n = Math.min(room, this.waiting);
    this.waiting -= n;
    return Array.from({ length: n }, (_, i) => ({
      kind: 'publication',
      id: `u${this.claims}-${i}`,
      leaseOwner: token,
      key: `u${this.claims}-${i}:publish:1`,
      provider: 'publish',
    }));
  }
}

class DispatcherDouble extends WorkDispatcher {
  jobs: WorkJob[] = [];
  capacity(provider: string): number {
    return provider === 'publish' ? 2 : 0;
  }
  async dispatch(job: WorkJob): Promise<void> {
    this.jobs.push(job);
  }
  async depth() {
    return {};
  }
  async drain(): Promise<void> {}
}

function ticker() {
  const publications = new PublicationsDouble();
  const dispatcher = new DispatcherDouble();
  /** the readings' time, moved ahead of the timers' as a test moves it */
  const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };
  const config = { instanceId: 'test', pipeline: { leaseMs: 30_000, pollMs: 50 } } as AppConfig;
  const t = new WorkTicker(
    config,
    { isLeader: true } as LeadershipService,
    publications as unknown as WorkClaims,
    dispatcher,
    {} as SchedulerRegistry,
    clock as Clock,
  );
  return { t, publications, dispatcher, clock };
}

describe('WorkTicker: publications', () => {
  afterEach(() => jest.useRealTimers());

  it('looks for publications once a second while none wait, not on every tick', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { t, publications } = ticker();
    for (let i = 0; i < 10; i++) {
      await t.tick();
      jest.advanceTimersByTime(50); // the steps' poll
    }
    expect(publications.claims).toBe(1);
    jest.advanceTimersByTime(600);
    publications.waiting = 1;
    await t.tick();
    expect(publications.claims).toBe(2);
  });

  it('claims again on the next tick while a claim comes back full', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { t, publications, dispatcher } = ticker();
    publications.waiting = 5; // room is 2 per claim
    await t.tick();
    jest.advanceTimersByTime(50);
    await t.tick();
    jest.advanceTimersByTime(50);
    await t.tick(); // 1 left: fewer than room, so the next look is a second later
    jest.advanceTimersByTime(50);
    await t.tick();
    expect(publications.claims).toBe(3);
    expect(dispatcher.jobs.map((j) => j.kind)).toEqual(Array(5).fill('publication'));
  });
});

describe('WorkTicker: readings of results', () => {
  afterEach(() => jest.useRealTimers());

  it("claims accounts due by the Clock's time, in publishing's room, looking every 2 s at most", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { t, publications, dispatcher, clock } = ticker();
    const hour = 3_600_000;
    publications.readersDueAt = [1_000_000 + hour, 1_000_000 + hour + 1];
    await t.tick();
    expect(dispatcher.jobs).toEqual([]);
    // an hour later on the Clock, but within 2 s on the timers: not looked for again yet
    clock.aheadMs = hour + 1;
    jest.advanceTimersByTime(1_000);
    await t.tick();
    expect(publications.readingClaims).toHaveLength(1);
    jest.advanceTimersByTime(1_000);
    await t.tick();
    expect(publications.readingClaims).toHaveLength(2);
    expect(dispatcher.jobs.map((j) => [j.kind, j.id])).toEqual([
      ['reading', `a${1_000_000 + hour}`],
      ['reading', `a${1_000_000 + hour + 1}`],
    ]);
  });
});
