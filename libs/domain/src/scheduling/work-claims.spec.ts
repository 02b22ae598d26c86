import { ProjectEntity } from '../entities/project.entity';
import { ProjectRepository } from '../pipeline/project.repository';
import { ResultReaderRepository } from '../results/result-reader.repository';
import { PublicationRepository } from '../social/publication.repository';
import { WorkClaims } from './work-claims';

function claims(
  projects: Partial<ProjectEntity>[],
  publications: { id: string; attempts: number }[],
  holders: { projects: string[]; publications: string[]; readers?: string[] } = {
    projects: [],
    publications: [],
  },
) {
  const released: string[] = [];
  const projectRepo = {
    claimGroups: async () => projects,
    claimHolders: async () => holders.projects,
    releaseClaimsOf: async (id: string) => (released.push(`projects:${id}`), 2),
  };
  const publicationRepo = {
    claimDue: async (_token: string, room: number) => publications.slice(0, room),
    claimHolders: async () => holders.publications,
    releaseClaimsOf: async (id: string) => (released.push(`publications:${id}`), 1),
  };
  const readerRepo = {
    claimHolders: async () => holders.readers ?? [],
    releaseClaimsOf: async (id: string) => (released.push(`readers:${id}`), 1),
  };
  const work = new WorkClaims(
    projectRepo as unknown as ProjectRepository,
    publicationRepo as unknown as PublicationRepository,
    readerRepo as unknown as ResultReaderRepository,
  );
  return { work, released };
}

describe('WorkClaims', () => {
  it("claims each due project's step under the token, keyed by step, attempt and retry", async () => {
    const claimed = [
      { id: 'p1', state: 'DRAFT', stepAttempts: 0, retries: 0 },
      { id: 'p2', state: 'SONG_SUBMITTED', stepAttempts: 2, retries: 1 },
    ] as ProjectEntity[];
    const { work } = claims(claimed, []);
    const jobs = await work.claimSteps('tick-1', [], 30_000);
    expect(jobs.map(({ claimed: _, ...j }) => j)).toEqual([
      {
        kind: 'step',
        id: 'p1',
        leaseOwner: 'tick-1',
        key: 'p1:prepare_store:1',
        provider: 'store',
      },
      { kind: 'step', id: 'p2', leaseOwner: 'tick-1', key: 'p2:poll_song:3:r1', provider: 'song' },
    ]);
    // the run starts from the project as claimed, without reading it again
    expect(jobs[1].claimed).toBe(claimed[1]);
  });

  it('claims due publications up to the room, one key per attempt', async () => {
    const due = [
      { id: 'u1', attempts: 0 },
      { id: 'u2', attempts: 3 },
      { id: 'u3', attempts: 0 },
    ];
    const { work } = claims([], due);
    expect(await work.claimPublications('tick-2', 2, 30_000)).toEqual([
      {
        kind: 'publication',
        id: 'u1',
        leaseOwner: 'tick-2',
        key: 'u1:publish:1',
        provider: 'publish',
      },
      {
        kind: 'publication',
        id: 'u2',
        leaseOwner: 'tick-2',
        key: 'u2:publish:4',
        provider: 'publish',
      },
    ]);
  });

  it("gives back a dead scheduler's claims of both kinds", async () => {
    const { work, released } = claims([], []);
    expect(await work.releaseClaimsOf('host-41')).toBe(4);
    expect(released).toEqual(['projects:host-41', 'publications:host-41', 'readers:host-41']);
  });

  it("gives back every dead predecessor's claims it finds, whatever the leader lease says", async () => {
    const holders = {
      projects: ['host-7', 'host-8', 'host-me'],
      publications: ['host-7', 'other-host-3'],
      readers: ['host-6'],
    };
    const { work, released } = claims([], [], holders);
    // host-6 and 7 are earlier runs of ours whose pids are gone; host-8 lives; other-host-3 is not ours
    const dead = (holder: string) => holder === 'host-7' || holder === 'host-6';
    expect(await work.releaseDeadPredecessors('host-me', false, dead)).toEqual({
      'host-7': 4,
      'host-6': 4,
    });
    expect(released).toEqual([
      'projects:host-7',
      'publications:host-7',
      'readers:host-7',
      'projects:host-6',
      'publications:host-6',
      'readers:host-6',
    ]);
  });

  it('gives back claims under its own id only before it ever led (a kept INSTANCE_ID)', async () => {
    const holders = { projects: ['host-me'], publications: [] };
    const first = claims([], [], holders);
    expect(await first.work.releaseDeadPredecessors('host-me', true, () => false)).toEqual({
      'host-me': 4,
    });
    const later = claims([], [], holders);
    expect(await later.work.releaseDeadPredecessors('host-me', false, () => false)).toEqual({});
    expect(later.released).toEqual([]);
  });
});
