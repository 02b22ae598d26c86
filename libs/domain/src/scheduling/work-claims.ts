import { Injectable } from '@nestjs/common';
import { ProjectEntity } from '../entities/project.entity';
import { ProjectState, ProviderName, STEP_FOR_STATE, STEPS } from '../pipeline/project-state';
import { ProjectRepository } from '../pipeline/project.repository';
import { stepKey } from '../pipeline/step-runner';
import { ResultReaderRepository } from '../results/result-reader.repository';
import { PublicationRepository } from '../social/publication.repository';
import { isOwnPredecessor } from './predecessor';

/** One run of leased work claimed by the scheduler, to be dispatched. */
export interface ClaimedWork {
  kind: 'step' | 'publication' | 'reading';
  /** the project's or the publication's id; a reading's: its social account's */
  id: string;
  /** the claim token it was claimed under: its run writes back only while this holds */
  leaseOwner: string;
  /** unique per (row, step, attempt): a step's idempotency key, the Bull job id */
  key: string;
  provider: ProviderName;
  /**
   * the project as claimed (a step's job run here): its run starts from it instead of reading
   * it again; a job that went through Redis carries none and reads it
   */
  claimed?: ProjectEntity;
}

/** The claims of every kind of leased work: taking due work, and giving back a dead one's. */
@Injectable()
export class WorkClaims {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly publications: PublicationRepository,
    private readonly readers: ResultReaderRepository,
  ) {}

  /** Due project steps, each group of states up to its limit, under one claim token. */
  async claimSteps(
    token: string,
    groups: { provider: ProviderName; states: ProjectState[]; limit: number }[],
    leaseMs: number,
  ): Promise<ClaimedWork[]> {
    const due = await this.projects.claimGroups(token, groups, leaseMs);
    return due.map((p) => {
      const step = STEP_FOR_STATE[p.state] ?? 'prepare_store';
      return {
        kind: 'step',
        id: p.id,
        leaseOwner: token,
        key: stepKey(p.id, step, p.stepAttempts + 1, p.retries),
        provider: STEPS[step].provider,
        claimed: p,
      };
    });
  }

  /** Due publications, up to `room`, under one claim token. */
  async claimPublications(token: string, room: number, leaseMs: number): Promise<ClaimedWork[]> {
    const due = await this.publications.claimDue(token, room, leaseMs);
    return due.map((u) => ({
      kind: 'publication',
      id: u.id,
      leaseOwner: token,
      key: `${u.id}:publish:${u.attempts + 1}`,
      provider: 'publish',
    }));
  }

  /**
   * Accounts due for a reading of their videos' results at `now` (the Clock's), up to `room`,
   * under one claim token; they run as publishing work (the same platforms' calls).
   */
  async claimReadings(
    token: string,
    room: number,
    leaseMs: number,
    now: Date,
  ): Promise<ClaimedWork[]> {
    const due = await this.readers.claimDueReaders(token, room, leaseMs, now);
    return due.map((r) => ({
      kind: 'reading',
      id: r.id,
      leaseOwner: token,
      key: `${r.id}:read:${r.nextRunAt?.getTime() ?? 0}`,
      provider: 'publish',
    }));
  }

  /** Gives back everything claimed by a scheduler known to be dead: claimable now. */
  async releaseClaimsOf(instanceId: string): Promise<number> {
    return (
      (await this.projects.releaseClaimsOf(instanceId)) +
      (await this.publications.releaseClaimsOf(instanceId)) +
      (await this.readers.releaseClaimsOf(instanceId))
    );
  }

  /**
   * Gives back one claim whose job was lost before any run started (Redis lost it): claimable
   * at the next tick under a new token. False when the claim no longer holds (it ran after all).
   */
  async releaseClaim(work: Pick<ClaimedWork, 'kind' | 'id' | 'leaseOwner'>): Promise<boolean> {
    const release = { leaseOwner: null, leaseUntil: null, nextRunAt: new Date() };
    return work.kind === 'step'
      ? this.projects.updateIfLeased(work.id, work.leaseOwner, release)
      : this.publications.updateIfLeased(work.id, work.leaseOwner, release);
  }

  /**
   * Gives back the claims of this process's dead predecessors, found among the holders of live
   * claims (earlier runs on this host whose pid is gone, see predecessor.ts): a restart slower
   * than the leader lease finds its predecessor's lease expired, not its own to take over, yet
   * the claims are just as dead. `me` itself counts when `ownToo` (claims under our id from
   * before we ever led: an INSTANCE_ID kept across a restart). Returns the count per holder.
   */
  async releaseDeadPredecessors(
    me: string,
    ownToo: boolean,
    isPredecessor = (holder: string) => isOwnPredecessor(holder, me),
  ): Promise<Record<string, number>> {
    const holders = new Set([
      ...(await this.projects.claimHolders()),
      ...(await this.publications.claimHolders()),
      ...(await this.readers.claimHolders()),
    ]);
    const released: Record<string, number> = {};
    for (const holder of holders)
      if (holder === me ? ownToo : isPredecessor(holder))
        released[holder] = await this.releaseClaimsOf(holder);
    return released;
  }

  /** Leases whose holder died are cleared (the rows were reclaimable anyway). */
  async clearExpiredLeases(): Promise<number> {
    return (
      (await this.projects.clearExpiredLeases()) +
      (await this.publications.clearExpiredLeases()) +
      (await this.readers.clearExpiredLeases())
    );
  }
}
