import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  BlobStore,
  ProviderError,
  ProviderUnavailableError,
  PublishProgress,
  PublishSource,
  SocialPlatform,
} from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { DatabaseRouter } from '../database/database-router';
import { SnsUploadEntity } from '../entities/social.entity';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/domain-errors';
import { BlobObjectRepository } from '../files/blob-object.repository';
import { ContentRepository } from '../pipeline/content.repository';
import { ProjectRepository } from '../pipeline/project.repository';
import { UsageRepository } from '../pipeline/usage.repository';
import { SocialAccountRepository } from './social-account.repository';
import { SocialService } from './social.service';

export interface UploadRequest {
  accounts: string[];
  title: string;
  description?: string;
  tags?: string[];
  privacy: 'private' | 'unlisted' | 'public';
}

const MAX_ATTEMPTS = 6;
/** a claimed publication is someone's for this long (a YouTube upload streams the whole file) */
const LEASE_MS = 15 * 60_000;

/**
 * Publishing finished videos to connected accounts. A request makes one row per account;
 * the scheduler runs due rows (claimed with a guarded UPDATE, so two schedulers never run
 * one), keeping the platform's session so an interrupted upload resumes.
 */
@Injectable()
export class PublicationService {
  private readonly logger = new Logger(PublicationService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseRouter,
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
    private readonly accounts: SocialAccountRepository,
    private readonly social: SocialService,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
    private readonly usage: UsageRepository,
  ) {}

  async request(userId: string, projectId: string, req: UploadRequest): Promise<SnsUploadEntity[]> {
    const project = await this.projects.findOwned(
      projectId,
      { ownerUserId: userId, partnerId: null },
      { primary: true },
    );
    if (!project) throw new NotFoundError('project not found');
    if (project.state !== 'DONE')
      throw new ConflictError(
        `the project is ${project.state}: only a finished video can be published`,
      );
    if (!(await this.content.video(projectId))) throw new ConflictError('the project has no video');
    const accounts = [];
    for (const id of new Set(req.accounts)) {
      const a = await this.accounts.findOwned(id, userId);
      if (!a) throw new NotFoundError(`no connected account ${id}`, { field: 'accounts' });
      this.social.publisher(a.platform);
      accounts.push(a);
    }
    if (accounts.length === 0)
      throw new InvalidInputError('accounts must name at least one connected account', {
        field: 'accounts',
      });
    const now = new Date();
    // a millisecond apart, so listing them by creation keeps the order they were asked in
    const rows = accounts.map((a, i) =>
      Object.assign(new SnsUploadEntity(), {
        createdAt: new Date(now.getTime() + i),
        updatedAt: now,
        id: randomUUID(),
        projectId,
        socialAccountId: a.id,
        platform: a.platform,
        state: 'queued',
        title: req.title,
        description: req.description ?? null,
        tags: JSON.stringify(req.tags ?? []),
        privacy: req.privacy,
        externalId: null,
        postUrl: null,
        lastError: null,
        nextRunAt: now,
        session: null,
        attempts: 0,
        ownerUserId: userId,
      }),
    );
    await this.db.transaction((em) => em.save(rows));
    return rows;
  }

  async list(userId: string, projectId: string): Promise<SnsUploadEntity[]> {
    const project = await this.projects.findOwned(projectId, {
      ownerUserId: userId,
      partnerId: null,
    });
    if (!project) throw new NotFoundError('project not found');
    return this.db.readPrimary((em) =>
      em.find(SnsUploadEntity, { where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  /** Claims up to `limit` due publications (a guarded UPDATE each: two schedulers never share one). */
  async claimDue(limit: number, now = new Date()): Promise<string[]> {
    if (limit <= 0) return [];
    const due = await this.db.readPrimary((em) =>
      em
        .createQueryBuilder(SnsUploadEntity, 'u')
        .select(['u.id', 'u.nextRunAt'])
        .where('u.next_run_at <= :now', { now })
        .andWhere("u.state IN ('queued', 'processing')")
        .orderBy('u.next_run_at')
        .take(limit)
        .getMany(),
    );
    const mine: string[] = [];
    for (const d of due) {
      const claimed = await this.db.write((em) =>
        em
          .createQueryBuilder()
          .update(SnsUploadEntity)
          .set({ nextRunAt: new Date(Date.now() + LEASE_MS), attempts: () => 'attempts + 1' })
          .where('id = :id AND next_run_at = :at', { id: d.id, at: d.nextRunAt })
          .execute(),
      );
      if (claimed.affected) mine.push(d.id);
    }
    return mine;
  }

  /** Runs one claimed publication a step further; never throws (the outcome is on the row). */
  async runOne(id: string): Promise<void> {
    const row = await this.db.readPrimary((em) =>
      em.findOneOrFail(SnsUploadEntity, { where: { id } }),
    );
    try {
      const account = await this.accounts.findById(row.socialAccountId);
      if (!account)
        return await this.save(row, {
          state: 'failed',
          lastError: 'the account was disconnected before the video was published',
          nextRunAt: null,
        });
      const video = await this.content.video(row.projectId);
      if (!video)
        return await this.save(row, {
          state: 'failed',
          lastError: 'the project’s video was deleted',
          nextRunAt: null,
        });
      const tracked = await this.files.find('video', video.blobKey);
      const source: PublishSource = {
        bytes: tracked?.bytes ?? 0,
        contentType: 'video/mp4',
        open: (offset) => this.blob.get('video', video.blobKey, offset),
        url: () => this.blob.readUrl('video', video.blobKey, 3600),
      };
      const grant = await this.social.freshGrant(account);
      const progress: PublishProgress = await this.social
        .publisher(row.platform as SocialPlatform)
        .publish(
          grant,
          source,
          {
            title: row.title,
            description: row.description ?? '',
            tags: JSON.parse(row.tags ?? '[]') as string[],
            privacy: row.privacy,
          },
          row.session,
          (session) => this.save(row, { session }),
        );
      if (progress.status === 'processing') {
        await this.save(row, {
          state: 'processing',
          session: progress.session,
          lastError: null,
          nextRunAt: new Date(Date.now() + this.config.publishPollMs),
        });
      } else {
        await this.save(row, {
          state: 'published',
          externalId: progress.externalId,
          postUrl: progress.postUrl,
          lastError: null,
          nextRunAt: null,
        });
        await this.usage.record({
          projectId: row.projectId,
          userId: row.ownerUserId,
          provider: row.platform,
          operation: 'publish',
          unit: 'upload',
          units: 1,
          idempotencyKey: `publish:${row.id}`,
        });
      }
    } catch (err) {
      const message =
        err instanceof ProviderError ? err.message : `publishing failed: ${(err as Error).message}`;
      if (err instanceof ProviderUnavailableError && row.attempts < MAX_ATTEMPTS) {
        const wait = err.retryAfterSec
          ? err.retryAfterSec * 1000
          : Math.min(2 ** row.attempts * 5_000, 15 * 60_000);
        await this.save(row, { lastError: message, nextRunAt: new Date(Date.now() + wait) });
      } else {
        if (!(err instanceof ProviderError))
          this.logger.error(`publication ${row.id} failed: ${(err as Error).stack}`);
        await this.save(row, { state: 'failed', lastError: message, nextRunAt: null });
      }
    }
  }

  private async save(row: SnsUploadEntity, patch: Partial<SnsUploadEntity>): Promise<void> {
    await this.db.write((em) => em.update(SnsUploadEntity, { id: row.id }, patch));
  }
}
