import { CredentialRefusedError, VideoFigures, VideoReading } from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { ResultReaderEntity } from '../entities/results.entity';
import { SnsUploadEntity } from '../entities/social.entity';
import { Clock } from './clock';
import { ResultReadingRunner } from './result-reading-runner';
import { NewReading } from './video-reading.repository';

const HOUR = 3_600_000;
const NOW = new Date('2026-12-07T12:00:00Z');
const figures = (views: number): VideoFigures => ({
  views,
  likes: 1,
  comments: 0,
  reach: null,
  saved: null,
  shares: null,
  totalInteractions: null,
  avgWatchTimeMs: null,
});

/** The reader row, its day's quota and the account's publications, in memory. */
function setup(videos: number, opts: { quota?: number; answer?: (id: string) => VideoReading }) {
  const reader: ResultReaderEntity = {
    id: 'a1',
    platform: 'youtube',
    state: 'reading',
    nextRunAt: NOW,
    attempts: 0,
    lastError: null,
    leaseOwner: 'me:1',
    leaseUntil: new Date(Date.now() + 30_000),
    createdAt: NOW,
    updatedAt: NOW,
  };
  const quotaUsed = new Map<string, number>();
  const readers = {
    findById: async () => ({ ...reader }),
    extendLease: async () => true,
    updateIfLeased: async (_id: string, owner: string, patch: Partial<ResultReaderEntity>) =>
      reader.leaseOwner === owner && (Object.assign(reader, patch), true),
    takeQuota: async (platform: string, day: string, wanted: number, quota: number) => {
      const used = quotaUsed.get(`${platform}:${day}`) ?? 0;
      const granted = Math.max(0, Math.min(wanted, quota - used));
      quotaUsed.set(`${platform}:${day}`, used + granted);
      return granted;
    },
  };
  const publications = Array.from(
    { length: videos },
    (_, i) =>
      ({
        id: `u${i}`,
        projectId: `p${i}`,
        platform: 'youtube',
        state: 'published',
        externalId: `yt${i}`,
        publishedAt: new Date(NOW.getTime() - 2 * HOUR),
        resultsDueAt: new Date(NOW.getTime() - HOUR + i),
        resultsNote: null,
      }) as SnsUploadEntity,
  );
  const parked: string[] = [];
  const publicationRepo = {
    resultsDue: async (_a: string, now: Date, limit: number) =>
      publications
        .filter((u) => u.resultsDueAt! <= now)
        .sort((x, y) => x.resultsDueAt!.getTime() - y.resultsDueAt!.getTime())
        .slice(0, limit),
    nextResultsDue: async () =>
      publications.map((u) => u.resultsDueAt!).sort((x, y) => x.getTime() - y.getTime())[0],
    scheduleResults: async (id: string, at: Date, note: string | null) =>
      void Object.assign(
        publications.find((u) => u.id === id)!,
        {
          resultsDueAt: at,
          resultsNote: note,
        },
      ),
    parkFor: async (accountId: string) => void parked.push(accountId),
  };
  const stored: NewReading[] = [];
  const account = { id: 'a1', platform: 'youtube', reconnectNeededAt: null as Date | null };
  /** the ids of each call the platform received */
  const calls: string[][] = [];
  const publisher = {
    platform: 'youtube',
    resultsBatch: 50,
    readResults: async (_g: unknown, ids: string[]) => {
      calls.push(ids);
      return ids.map((id) => opts.answer?.(id) ?? { externalId: id, figures: figures(100) });
    },
  };
  const config = {
    pipeline: { leaseMs: 30_000, maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 100 },
    results: { dailyQuota: { youtube: opts.quota ?? 10_000 }, retentionDays: 30 },
  } as unknown as AppConfig;
  const clock = { now: () => NOW } as Clock;
  const runner = new ResultReadingRunner(
    config,
    readers as never,
    { add: async (r: NewReading[]) => void stored.push(...r) } as never,
    {
      findById: async () => ({ ...account }),
      markReconnectNeeded: async (_id: string, reason: string) =>
        void Object.assign(account, { reconnectNeededAt: NOW, reconnectReason: reason }),
    } as never,
    publicationRepo as never,
    { freshGrant: async () => ({ accessToken: 't' }), publisher: () => publisher } as never,
    clock,
  );
  const relet = () =>
    Object.assign(reader, { leaseOwner: 'me:1', leaseUntil: new Date(Date.now() + 30_000) });
  return { runner, reader, publications, stored, calls, account, parked, relet };
}

describe('ResultReadingRunner', () => {
  it('reads n due videos in ceil(n/50) calls and schedules each on the decaying schedule', async () => {
    const t = setup(120, {});
    expect(await t.runner.run('a1', 'me:1')).toBe('advanced');
    expect(t.calls.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(t.stored).toHaveLength(120);
    expect(t.stored[0]).toMatchObject({ publicationId: 'u0', projectId: 'p0', readAt: NOW });
    // published two hours ago: read again on the next hour from publication
    expect(new Set(t.publications.map((u) => u.resultsDueAt!.getTime()))).toEqual(
      new Set([NOW.getTime() + HOUR]),
    );
    expect(t.reader).toMatchObject({ nextRunAt: new Date(NOW.getTime() + HOUR), leaseOwner: null });
  });

  it('spends no more calls than the day’s quota; the rest wait for the next quota day', async () => {
    const t = setup(120, { quota: 2 });
    expect(await t.runner.run('a1', 'me:1')).toBe('advanced');
    expect(t.calls.map((c) => c.length)).toEqual([50, 50]);
    // the 20 left are due still: the reader comes back at once, finds the quota spent and waits
    expect(t.reader.nextRunAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
    t.relet();
    expect(await t.runner.run('a1', 'me:1')).toBe('waiting');
    expect(t.calls).toHaveLength(2);
    expect(t.reader).toMatchObject({
      // midnight Pacific Time (08:00 UTC in December)
      nextRunAt: new Date('2026-12-08T08:00:00Z'),
      lastError: expect.stringMatching(/quota/),
    });
  });

  it('a "not yet" answer stores no reading, notes why, and is read again as scheduled', async () => {
    const t = setup(2, {
      answer: (id) =>
        id === 'yt0'
          ? { externalId: id, notYet: 'not enough viewers yet (code 10)' }
          : { externalId: id, figures: figures(7) },
    });
    expect(await t.runner.run('a1', 'me:1')).toBe('advanced');
    expect(t.stored.map((r) => [r.publicationId, r.figures.views])).toEqual([['u1', 7]]);
    expect(t.publications[0]).toMatchObject({
      resultsNote: 'not enough viewers yet (code 10)',
      resultsDueAt: new Date(NOW.getTime() + HOUR),
    });
    expect(t.publications[1].resultsNote).toBeNull();
  });

  it('a revoked grant parks the reader, flags the account and parks its publications', async () => {
    const t = setup(3, {
      answer: () => {
        throw new CredentialRefusedError('youtube', 'the grant was revoked (invalid_grant)');
      },
    });
    expect(await t.runner.run('a1', 'me:1')).toBe('waiting');
    expect(t.account.reconnectNeededAt).toEqual(NOW);
    expect(t.parked).toEqual(['a1']);
    expect(t.reader).toMatchObject({ state: 'parked', nextRunAt: null, leaseOwner: null });
    expect(t.stored).toEqual([]);
    // parked: a run asks the platform nothing
    t.relet();
    expect(await t.runner.run('a1', 'me:1')).toBe('skipped');
    expect(t.calls).toHaveLength(1);
  });
});
