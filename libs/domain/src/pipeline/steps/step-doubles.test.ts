/**
 * In-memory doubles of the ports and repositories the steps use, for the step specs (not a
 * test itself: the `.test.ts` name keeps it out of the build and out of the unit tier's match).
 */
import { Readable } from 'node:stream';
import {
  BlobContainer,
  BlobStore,
  LyricsEngine,
  LyricsRequest,
  PaidTries,
  MediaSource,
  RenderOptions,
  RenderSubmission,
  SongEngine,
  SongPoll,
  SongRequest,
  VideoPoll,
  VideoRenderer,
  VideoRenderers,
  VideoRequest,
} from '@app/integrations';
import type { AppConfig } from '../../config/app-config';
import type { LyricsEntity, SongEntity, VideoEntity } from '../../entities/content.entity';
import type { ProjectEntity } from '../../entities/project.entity';
import type { StoreEntity, StorePhotoEntity } from '../../entities/store.entity';
import type { BlobObjectRepository, TrackedFile } from '../../files/blob-object.repository';
import type { StoreRepository } from '../../stores/store.repository';
import type { ContentRepository } from '../content.repository';
import type { ProjectEventRepository } from '../project-event.repository';
import type { StepContext } from '../step-context';
import { InMemoryBudgetHolds, InMemoryUsage } from './metering-doubles.test';
import { StepMetering } from './step-metering';
import { StepProgressWriter } from './step-progress-writer';
import { SubmissionGuard } from './submission-guard';

export const config = {
  publicBaseUrl: 'https://api.castad.test',
  providerTimeoutMs: 1000,
  dailyBudgetUsd: {} as Record<string, number>,
  pipeline: {
    songPollMs: 20_000,
    videoPollMs: 10_000,
    submissionRecoveryMs: 600_000,
    budgetRecheckMs: 300_000,
    maxAttempts: 5,
  },
};
export const asConfig = (c = config) => c as unknown as AppConfig;

export function project(over: Partial<ProjectEntity> = {}): ProjectEntity {
  return {
    id: 'p1',
    ownerUserId: 'u1',
    storeId: 's1',
    state: 'DRAFT',
    step: 'prepare_store',
    stepAttempts: 0,
    retries: 0,
    autopilot: true,
    options: {},
    callbackToken: 'tok',
    leaseOwner: 'me:1',
    songTaskId: null,
    videoTaskId: null,
    pendingSubmissionKey: null,
    pendingSubmissionAt: null,
    ...over,
  } as ProjectEntity;
}

/** A context as the runner builds it; `marked` lists the keys marked as submitting. */
export function context(p: ProjectEntity, idempotencyKey = `${p.id}:step:1`) {
  const marked: string[] = [];
  const ctx: StepContext = {
    project: p,
    attempt: 1,
    idempotencyKey,
    leaseOwner: 'me:1',
    signal: new AbortController().signal,
    markSubmitting: async (key) => void marked.push(key),
  };
  return { ctx, marked };
}

export class InMemoryStores {
  readonly stores = new Map<string, StoreEntity>([
    [
      's1',
      {
        id: 's1',
        name: '바다횟집',
        address: '부산 해운대구',
        menu: [{ name: '광어' }],
      } as StoreEntity,
    ],
  ]);
  readonly photos: StorePhotoEntity[] = [
    {
      id: 'ph1',
      storeId: 's1',
      blobKey: 'stores/s1/1.jpg',
      contentType: 'image/jpeg',
    } as StorePhotoEntity,
  ];
  async findById(id: string) {
    return this.stores.get(id) ?? null;
  }
  async findWithPhotos(id: string) {
    const store = this.stores.get(id);
    return store ? { store, photos: this.photos.filter((p) => p.storeId === id) } : null;
  }
  as = () => this as unknown as StoreRepository;
}

export class InMemoryContent {
  readonly lyrics: LyricsEntity[] = [];
  songs: SongEntity[] = [];
  videos: VideoEntity[] = [];
  async addLyrics(
    projectId: string,
    d: Pick<LyricsEntity, 'title' | 'sections' | 'source'>,
    approved: boolean,
  ) {
    const id = `l${this.lyrics.length + 1}`;
    this.lyrics.push({
      ...d,
      id,
      projectId,
      version: this.lyrics.length + 1,
      approvedAt: approved ? new Date() : null,
    } as LyricsEntity);
    return id;
  }
  async approvedLyrics(projectId: string) {
    return this.lyrics.filter((l) => l.projectId === projectId && l.approvedAt).at(-1) ?? null;
  }
  async latestLyrics(projectId: string) {
    return this.lyrics.filter((l) => l.projectId === projectId).at(-1) ?? null;
  }
  async saveClips(
    projectId: string,
    generation: number,
    clips: Omit<SongEntity, 'id' | 'projectId' | 'createdAt'>[],
  ) {
    const rows = clips.map(
      (c, i) => ({ ...c, id: `${projectId}:${generation}:${i}`, projectId }) as SongEntity,
    );
    this.songs = rows;
    return rows;
  }
  async clips(projectId: string) {
    return this.songs.filter((s) => s.projectId === projectId);
  }
  async saveVideo(
    projectId: string,
    generation: number,
    v: Omit<VideoEntity, 'id' | 'projectId' | 'createdAt'>,
  ) {
    const row = { ...v, id: `${projectId}:${generation}`, projectId } as VideoEntity;
    this.videos = [row];
    return row;
  }
  async video(projectId: string) {
    return this.videos.find((v) => v.projectId === projectId) ?? null;
  }
  as = () => this as unknown as ContentRepository;
}

/** The projects' event log, as far as steps read and write it. */
export class InMemoryEvents {
  lastCause: string | null = null;
  readonly progress: {
    id: string;
    leaseOwner: string;
    step: string;
    percent: number;
    message?: string;
  }[] = [];
  async lastChangeBy() {
    return this.lastCause;
  }
  async latestEvent() {
    const last = this.progress.at(-1);
    return last ? { percent: last.percent } : null;
  }
  /** every report here is of the running step's run */
  latestReportSince = () => this.latestEvent();
  async recordProgress(id: string, leaseOwner: string, r: { step: string; percent: number }) {
    this.progress.push({ id, leaseOwner, ...r });
    return true;
  }
  as = () => this as unknown as ProjectEventRepository;
}

/** A blob store in memory; `asMedia` hands out URLs the renderer doubles do not fetch. */
export class InMemoryBlob extends BlobStore {
  readonly name = 'memory';
  readonly objects = new Map<string, Buffer>();
  readonly deleted: string[] = [];
  async put(container: BlobContainer, key: string, body: Buffer | Readable) {
    const chunks: Buffer[] = [];
    for await (const c of Readable.from(body)) chunks.push(Buffer.from(c));
    const all = Buffer.concat(chunks);
    this.objects.set(`${container}/${key}`, all);
    return { bytes: all.length };
  }
  async get(): Promise<Readable> {
    throw new Error('not used by steps');
  }
  async readUrl(container: BlobContainer, key: string) {
    return `memory://${container}/${key}`;
  }
  async delete(container: BlobContainer, key: string) {
    this.deleted.push(`${container}/${key}`);
    this.objects.delete(`${container}/${key}`);
  }
  async asMedia(container: BlobContainer, key: string, contentType: string): Promise<MediaSource> {
    return { kind: 'url', url: `memory://${container}/${key}`, contentType };
  }
  async setTier() {}
}

export class InMemoryFiles {
  readonly tracked: TrackedFile[] = [];
  readonly forgotten: string[] = [];
  async trackAll(files: TrackedFile[]) {
    this.tracked.push(...files);
  }
  async forget(container: string, keys: string[]) {
    this.forgotten.push(...keys.map((k) => `${container}/${k}`));
  }
  as = () => this as unknown as BlobObjectRepository;
}

export class FakeLyricsEngine extends LyricsEngine {
  readonly name = 'lyrics-fake';
  readonly source = 'template' as const;
  readonly calls: { req: LyricsRequest; key: string }[] = [];
  failWith?: Error;
  estimatedUsage = () => ({ unit: 'token', units: 500 });
  async write(req: LyricsRequest, key: string, tries?: PaidTries) {
    await tries?.sending();
    this.calls.push({ req, key });
    if (this.failWith) throw this.failWith;
    return {
      lyrics: { title: '바다의 노래', sections: [{ name: 'verse', lines: ['하나', '둘', '셋'] }] },
      usage: { unit: 'token', units: 120 },
    };
  }
}

export class FakeSongEngine extends SongEngine {
  readonly name = 'song-fake';
  dedupesByKey = false;
  readyWhenSubmitted = false;
  readonly submitted: { req: SongRequest; key: string }[] = [];
  readonly discarded: string[] = [];
  /** answers of poll, in order (the last one repeats) */
  polls: SongPoll[] = [{ status: 'pending' }];
  failWith?: Error;
  async submit(req: SongRequest, key: string) {
    this.submitted.push({ req, key });
    if (this.failWith) throw this.failWith;
    return { taskId: 'task-1', usage: { unit: 'song', units: 1 } };
  }
  recoveredUsage() {
    return { unit: 'song', units: 1 };
  }
  async poll(): Promise<SongPoll> {
    return this.polls.length > 1 ? this.polls.shift()! : this.polls[0];
  }
  override async discard(taskId: string) {
    this.discarded.push(taskId);
  }
}

const renderSeconds = (units: number) => ({ unit: 'render_second', units });
export class FakeRenderer extends VideoRenderer {
  dedupesByKey = false;
  fallbackTo: 'ffmpeg' | 'creatomate' | null = null;
  readonly submitted: { req: VideoRequest; key: string; opts?: RenderOptions }[] = [];
  readonly discarded: string[] = [];
  polls: VideoPoll[] = [{ status: 'pending' }];
  answer?: Partial<RenderSubmission>;
  /** fractions reported to onProgress while "rendering" */
  reports: number[] = [];
  failWith?: Error;
  constructor(readonly name: 'ffmpeg' | 'creatomate') {
    super();
  }
  override get fallbackEngine() {
    return this.fallbackTo;
  }
  async submit(req: VideoRequest, key: string, _signal?: AbortSignal, opts?: RenderOptions) {
    this.submitted.push({ req, key, opts });
    for (const fraction of this.reports) opts?.onProgress?.({ fraction });
    if (this.failWith) throw this.failWith;
    return {
      taskId: `render-${this.submitted.length}`,
      usage: this.submittedUsage(req),
      engine: this.name,
      readyWhenSubmitted: false,
      ...this.answer,
    };
  }
  async poll(): Promise<VideoPoll> {
    return this.polls.length > 1 ? this.polls.shift()! : this.polls[0];
  }
  recoveredUsage = (r: { lengthSec: number }) => renderSeconds(r.lengthSec);
  submittedUsage = (r: { durationSec: number }) => renderSeconds(r.durationSec);
  override async discard(taskId: string) {
    this.discarded.push(taskId);
  }
}

export { InMemoryBudgetHolds, InMemoryUsage };

export function renderersOf(preferred: FakeRenderer, ...others: FakeRenderer[]) {
  return new VideoRenderers(preferred, others);
}

/** The support services over the doubles, as the module builds them. */
export function support(
  usage = new InMemoryUsage(),
  events = new InMemoryEvents(),
  c = config,
  holds = new InMemoryBudgetHolds(usage.spent),
) {
  return {
    usage,
    events,
    holds,
    metering: new StepMetering(usage.as()),
    guard: new SubmissionGuard(asConfig(c), usage.as(), holds.as(), new StepMetering(usage.as())),
    progress: new StepProgressWriter(events.as()),
  };
}

/**
 * Provider file URLs: `fetch` answers 404 for a URL with "expired" in it (the file went before
 * we copied it), else the URL's own text as the file.
 */
export function serveProviderFiles(): jest.SpyInstance {
  return jest.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    const url = String(input);
    if (url.includes('expired')) return new Response('gone', { status: 404 });
    return new Response(`bytes of ${url}`, { status: 200 });
  });
}
