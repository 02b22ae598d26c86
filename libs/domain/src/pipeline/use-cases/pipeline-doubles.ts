import { randomUUID } from 'node:crypto';
import { BlobContainer } from '@app/integrations';
import { Principal } from '../../accounts/principal';
import { LyricSection, LyricsEntity, SongEntity, VideoEntity } from '../../entities/content.entity';
import { ProjectEventEntity } from '../../entities/project-event.entity';
import { ProjectEntity, ProjectOptions } from '../../entities/project.entity';
import { Owner } from '../../stores/owner';
import { ContentRepository } from '../content.repository';
import { CreatedProject, DailyQuotaRepository } from '../daily-quota.repository';
import { PipelineHealthRepository } from '../pipeline-health.repository';
import { ProjectEventRepository } from '../project-event.repository';
import { endsRerender } from '../presented-state';
import { startsReportedRun } from '../step-progress';
import { assertTransition, ProjectState } from '../project-state';
import { ProjectPatch, ProjectRepository, Transition } from '../project.repository';
import { UsageRepository } from '../usage.repository';

/**
 * In-memory doubles of the pipeline's repositories for the use cases' unit specs: the same
 * contracts (guarded transitions checked against the table, owner-scoped reads, one usage row
 * per keyed call), kept in maps.
 */
export const OWNER: Principal = { kind: 'user', userId: 'u-1', role: 'user' };
export const STRANGER: Principal = { kind: 'user', userId: 'u-2', role: 'user' };

export class InMemoryProjects {
  readonly rows = new Map<string, ProjectEntity>();
  readonly events: Partial<ProjectEventEntity>[] = [];
  /** the stores each owner has, for create() */
  readonly stores = new Map<string, string>([['store-1', 'u-1']]);
  /** typical step durations (ms) as the event log would tell them; reads are counted */
  medians: Record<string, number | null> = {};
  medianReads = 0;

  add(fields: Partial<ProjectEntity> = {}): ProjectEntity {
    const p = {
      id: randomUUID(),
      ownerUserId: 'u-1',
      partnerId: null,
      storeId: 'store-1',
      state: 'DRAFT',
      step: null,
      stepAttempts: 0,
      retries: 0,
      autopilot: false,
      options: {},
      nextRunAt: null,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      waitReason: null,
      lastProviderError: null,
      stepStartedAt: null,
      pendingSubmissionKey: null,
      pendingSubmissionAt: null,
      songTaskId: null,
      videoTaskId: null,
      rerendering: false,
      reportPercent: null,
      callbackToken: 'token-0123456789',
      quotaDay: null,
      quotaSlot: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      ...fields,
    } as ProjectEntity;
    this.rows.set(p.id, p);
    return p;
  }

  async findById(id: string): Promise<ProjectEntity | null> {
    const p = this.rows.get(id);
    return p ? { ...p } : null;
  }

  async findOwned(id: string, owner: Owner): Promise<ProjectEntity | null> {
    const p = this.rows.get(id);
    const mine = p && p.ownerUserId === owner.ownerUserId && p.partnerId === owner.partnerId;
    return mine ? { ...p } : null;
  }

  async listOwned(owner: Owner, opts: { limit: number }): Promise<ProjectEntity[]> {
    return [...this.rows.values()]
      .filter((p) => p.ownerUserId === owner.ownerUserId && p.partnerId === owner.partnerId)
      .slice(0, opts.limit);
  }

  async listAll(opts: { limit: number }): Promise<ProjectEntity[]> {
    return [...this.rows.values()].slice(0, opts.limit);
  }

  async createWithinQuota(
    input: { owner: Owner; storeId: string; autopilot: boolean; options: ProjectOptions },
    quota: { day: string; limit: number },
  ): Promise<CreatedProject> {
    if (this.stores.get(input.storeId) !== input.owner.ownerUserId) return { kind: 'no_store' };
    const today = [...this.rows.values()].filter(
      (p) => p.ownerUserId === input.owner.ownerUserId && p.quotaDay === quota.day,
    );
    if (today.length >= quota.limit) return { kind: 'over_quota' };
    const project = this.add({
      ownerUserId: input.owner.ownerUserId,
      partnerId: input.owner.partnerId,
      storeId: input.storeId,
      autopilot: input.autopilot,
      options: input.options,
      quotaDay: quota.day,
      quotaSlot: today.length,
      nextRunAt: new Date(),
    });
    return { kind: 'created', project };
  }

  async transition(id: string, t: Transition): Promise<boolean> {
    assertTransition(t.from, t.to, t.cause);
    const p = this.rows.get(id);
    if (!p || p.state !== t.from) return false;
    const newRun = startsReportedRun(t.from, t.to) ? { reportPercent: null } : {};
    Object.assign(p, endsRerender(t.to) ? { rerendering: false } : {}, newRun, t.patch, {
      state: t.to,
    });
    this.events.push({
      projectId: id,
      fromState: t.from,
      toState: t.to,
      step: t.step === undefined ? t.cause : t.step,
      message: t.message,
    });
    return true;
  }

  goAhead(id: string, expected: ProjectState, patch: ProjectPatch): Promise<boolean> {
    return this.updateIfState(id, expected, patch);
  }

  async updateIfState(id: string, expected: ProjectState, patch: ProjectPatch): Promise<boolean> {
    const p = this.rows.get(id);
    if (!p || p.state !== expected) return false;
    Object.assign(p, patch);
    return true;
  }

  async pollSoon(id: string, states: ProjectState[]): Promise<void> {
    const p = this.rows.get(id);
    if (p && states.includes(p.state)) p.nextRunAt = new Date();
  }

  async matching(filter: { ids?: string[]; state?: string }): Promise<ProjectEntity[]> {
    return [...this.rows.values()]
      .filter((p) => !filter.ids?.length || filter.ids.includes(p.id))
      .filter((p) => !filter.state || p.state === filter.state)
      .map((p) => ({ ...p }));
  }

  async delete(id: string): Promise<void> {
    this.rows.delete(id);
  }

  async latestEvent(projectId: string): Promise<ProjectEventEntity | null> {
    const mine = this.events.filter((e) => e.projectId === projectId);
    return (mine[mine.length - 1] as ProjectEventEntity) ?? null;
  }

  async latestReportSince(projectId: string, state: ProjectState) {
    const mine = this.events.filter((e) => e.projectId === projectId);
    const entered = mine.findLastIndex((e) => e.toState === state && e.fromState !== state);
    const reports = mine.slice(entered + 1).filter((e) => e.percent != null);
    return (reports[reports.length - 1] as ProjectEventEntity) ?? null;
  }

  async typicalStepMs(step: string): Promise<number | null> {
    this.medianReads++;
    return this.medians[step] ?? null;
  }

  asRepository(): ProjectRepository {
    return this as unknown as ProjectRepository;
  }

  /** The same table seen as the daily quota, the event log and the health queries. */
  asDailyQuota(): DailyQuotaRepository {
    return this as unknown as DailyQuotaRepository;
  }

  asEvents(): ProjectEventRepository {
    return this as unknown as ProjectEventRepository;
  }

  asHealth(): PipelineHealthRepository {
    return this as unknown as PipelineHealthRepository;
  }
}

export class InMemoryContent {
  readonly lyricsRows: LyricsEntity[] = [];
  readonly clipRows: SongEntity[] = [];
  readonly videoRows: VideoEntity[] = [];

  addClip(projectId: string, fields: Partial<SongEntity> = {}): SongEntity {
    const c = {
      id: randomUUID(),
      projectId,
      providerClipId: null,
      blobKey: `audio/${randomUUID()}.m4a`,
      durationSec: 30,
      lineTimings: [],
      beats: null,
      vocals: true,
      words: null,
      selected: false,
      createdAt: new Date(),
      ...fields,
    } as SongEntity;
    this.clipRows.push(c);
    return c;
  }

  async addLyrics(
    projectId: string,
    draft: { title: string; sections: LyricSection[]; source: LyricsEntity['source'] },
    approved: boolean,
  ): Promise<string> {
    const version = (await this.lyricsVersions(projectId)).length + 1;
    const id = randomUUID();
    const at = new Date();
    this.lyricsRows.push({
      id,
      projectId,
      version,
      ...draft,
      approvedAt: approved ? at : null,
      createdAt: at,
    });
    return id;
  }

  async lyricsVersions(projectId: string): Promise<LyricsEntity[]> {
    return this.lyricsRows.filter((l) => l.projectId === projectId);
  }

  async lyrics(id: string): Promise<LyricsEntity | null> {
    return this.lyricsRows.find((l) => l.id === id) ?? null;
  }

  async approveLyrics(id: string): Promise<void> {
    this.lyricsRows.find((l) => l.id === id)!.approvedAt = new Date();
  }

  async approvedLyrics(projectId: string): Promise<LyricsEntity | null> {
    return this.lyricsRows.find((l) => l.projectId === projectId && l.approvedAt) ?? null;
  }

  async clips(projectId: string): Promise<SongEntity[]> {
    return this.clipRows.filter((c) => c.projectId === projectId);
  }

  async selectClip(projectId: string, songId: string): Promise<boolean> {
    const mine = await this.clips(projectId);
    if (!mine.some((c) => c.id === songId)) return false;
    for (const c of mine) c.selected = c.id === songId;
    return true;
  }

  async video(projectId: string): Promise<VideoEntity | null> {
    return this.videoRows.find((v) => v.projectId === projectId) ?? null;
  }

  asRepository(): ContentRepository {
    return this as unknown as ContentRepository;
  }
}

export type UsageRow = Parameters<UsageRepository['record']>[0];

/** Metering as the repository does it: nothing for zero units, one row per keyed call. */
export class InMemoryUsage {
  readonly rows: UsageRow[] = [];

  async record(r: UsageRow): Promise<void> {
    if (r.units <= 0) return;
    const same = (x: UsageRow) =>
      r.idempotencyKey !== null &&
      x.idempotencyKey === r.idempotencyKey &&
      x.provider === r.provider &&
      x.operation === r.operation;
    if (!this.rows.some(same)) this.rows.push(r);
  }

  /** no "sent" rows here: a recovered call is recorded as it is */
  recovered(r: UsageRow & { idempotencyKey: string }): Promise<void> {
    return this.record(r);
  }

  asRepository(): UsageRepository {
    return this as unknown as UsageRepository;
  }
}

/** A blob store that keeps the keys it holds, and can be told to fail a delete. */
export class InMemoryBlobs {
  readonly held = new Set<string>();
  readonly forgotten: string[] = [];
  failing = new Set<string>();

  async delete(container: BlobContainer, key: string): Promise<void> {
    if (this.failing.has(key)) throw new Error('blob store unavailable');
    this.held.delete(`${container}/${key}`);
  }

  async forget(container: string, keys: string[]): Promise<void> {
    this.forgotten.push(...keys.map((k) => `${container}/${k}`));
  }
}
