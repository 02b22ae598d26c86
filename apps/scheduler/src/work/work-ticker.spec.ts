import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, ClaimedWork, WorkClaims } from '@app/domain';
import { LeadershipService } from '../leadership.service';
import { WorkDispatcher, WorkJob } from './work-dispatcher';
import { WorkTicker } from './work-ticker';

/** Publications waiting to be claimed, as WorkClaims would hand them out. */
class PublicationsDouble implements Pick<WorkClaims, 'claimPublications'> {
  waiting = 0;
  claims = 0;
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
  const config = { instanceId: 'test', pipeline: { leaseMs: 30_000, pollMs: 50 } } as AppConfig;
  const t = new WorkTicker(
    config,
    { isLeader: true } as LeadershipService,
    publications as unknown as WorkClaims,
    dispatcher,
    {} as SchedulerRegistry,
  );
  return { t, publications, dispatcher };
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
