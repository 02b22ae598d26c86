import { Injectable, Logger } from '@nestjs/common';
import {
  BlobStore,
  CredentialRefusedError,
  ProviderError,
  ProviderLimitWaitError,
  ProviderUnavailableError,
  PublishProgress,
  PublishSource,
} from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { PublicationState, SnsUploadEntity, SocialAccountEntity } from '../entities/social.entity';
import { BlobObjectRepository } from '../files/blob-object.repository';
import { ContentRepository } from '../pipeline/content.repository';
import { ProjectRepository } from '../pipeline/project.repository';
import { UsageRepository } from '../pipeline/usage.repository';
import { LeasedWorkRunner, RELEASE, WorkRun } from '../work/leased-work-runner';
import { retryDelayMs, WorkResult } from '../work/retry-policy';
import { ResultReaderRepository } from '../results/result-reader.repository';
import { firstReadingAt } from '../results/reading-schedule';
import { CONTAINS_SYNTHETIC_MEDIA } from './ai-disclosure';
import { PublicationCause } from './publication-state';
import {
  LIVE_PUBLICATION_STATES,
  PublicationPatch,
  PublicationRepository,
} from './publication.repository';
import { SocialAccountRepository } from './social-account.repository';
import { SocialService } from './social.service';

/**
 * A run's result before it is written back under the lease: a change of state (`to`, through
 * the repository's transition gate) or none.
 */
type PublicationOutcome = {
  result: WorkResult;
  to?: { state: PublicationState; cause: PublicationCause };
  patch: PublicationPatch;
};

/**
 * Runs one claimed publication a step further on the shared leased-work skeleton
 * (LeasedWorkRunner): the upload or the platform's processing poll, with the upload session
 * saved as it goes so an interrupted upload resumes; the outcome written only while the lease
 * is held; transient errors retried with the pipeline's backoff and attempts; anything else
 * FAILED with a readable reason.
 */
@Injectable()
export class PublicationRunner extends LeasedWorkRunner<SnsUploadEntity, PublicationOutcome> {
  protected readonly logger = new Logger(PublicationRunner.name);

  constructor(
    private readonly config: AppConfig,
    private readonly publications: PublicationRepository,
    private readonly accounts: SocialAccountRepository,
    private readonly social: SocialService,
    private readonly content: ContentRepository,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
    private readonly usage: UsageRepository,
    private readonly readers: ResultReaderRepository,
    private readonly projects: ProjectRepository,
  ) {
    super('publication', publications, config.pipeline.leaseMs);
  }

  run(id: string, leaseOwner: string): Promise<WorkResult> {
    return this.runLeased(id, leaseOwner);
  }

  protected hasWork(row: SnsUploadEntity): boolean {
    return LIVE_PUBLICATION_STATES.includes(row.state);
  }

  protected perform({ row, leaseOwner }: WorkRun<SnsUploadEntity>): Promise<PublicationOutcome> {
    return this.publishOnce(row, leaseOwner);
  }

  protected failed(run: WorkRun<SnsUploadEntity>, err: unknown): Promise<WorkResult> {
    return this.writeBack(run, this.failure(run.row, err));
  }

  protected async writeBack(
    { row, leaseOwner }: WorkRun<SnsUploadEntity>,
    outcome: PublicationOutcome,
  ): Promise<WorkResult> {
    const patch = { ...outcome.patch, ...RELEASE };
    const ok =
      outcome.to && outcome.to.state !== row.state
        ? await this.publications.transition(row.id, {
            from: row.state,
            to: outcome.to.state,
            cause: outcome.to.cause,
            leaseOwner,
            patch,
          })
        : await this.publications.updateIfLeased(row.id, leaseOwner, patch);
    if (ok && outcome.result === 'advanced' && outcome.patch.resultsDueAt)
      // its results are read back from then on (the account's reader due by its first reading)
      await this.readers.dueBy(row.socialAccountId, row.platform, outcome.patch.resultsDueAt);
    if (ok && outcome.result === 'advanced')
      await this.usage.record({
        projectId: row.projectId,
        userId: row.ownerUserId,
        provider: row.platform,
        operation: 'publish',
        unit: 'upload',
        units: 1,
        idempotencyKey: `publish:${row.id}`,
      });
    return ok ? outcome.result : 'lost-lease';
  }

  /** A partner's video goes up only while the account's owner still lets that partner publish. */
  private async partnerStillAllowed(
    row: SnsUploadEntity,
    account: SocialAccountEntity,
  ): Promise<boolean> {
    const partnerId = (await this.projects.findById(row.projectId))?.partnerId;
    return !partnerId || account.publishingPartnerId === partnerId;
  }

  private async publishOnce(row: SnsUploadEntity, leaseOwner: string): Promise<PublicationOutcome> {
    const account = await this.accounts.findById(row.socialAccountId);
    if (!account) return failedFor('the account was disconnected before the video was published');
    // its grant is dead: wait for the owner to connect again, asking the platform nothing
    if (account.reconnectNeededAt) return parked(account.reconnectReason);
    if (row.state === 'queued' && !(await this.partnerStillAllowed(row, account)))
      return failedFor('the account’s owner no longer lets this partner publish there');
    const video = await this.content.video(row.projectId);
    if (!video) return failedFor('the project’s video was deleted');
    const tracked = await this.files.find('video', video.blobKey);
    const source: PublishSource = {
      bytes: tracked?.bytes ?? 0,
      contentType: 'video/mp4',
      open: (offset) => this.blob.get('video', video.blobKey, offset),
      url: () => this.blob.readUrl('video', video.blobKey, 3600),
    };
    let progress: PublishProgress;
    try {
      const grant = await this.social.freshGrant(account);
      progress = await this.social.publisher(row.platform).publish(
        grant,
        source,
        {
          title: row.title,
          description: row.description ?? '',
          tags: JSON.parse(row.tags ?? '[]') as string[],
          privacy: row.privacy,
          containsSyntheticMedia: CONTAINS_SYNTHETIC_MEDIA,
        },
        row.session,
        async (session) =>
          void (await this.publications.updateIfLeased(row.id, leaseOwner, { session })),
        // renewed mid-upload: stored, or the next upload would renew them again
        (renewed) => this.social.saveRenewed(account, renewed),
      );
    } catch (err) {
      if (!(err instanceof CredentialRefusedError)) throw err;
      // a revoked or expired grant: the account needs its owner, and all its publications wait
      // (this one among them: parked by parkFor, so its run changes no state)
      this.logger.warn(`account ${account.id} needs reconnecting: ${err.message}`);
      await this.accounts.markReconnectNeeded(account.id, err.message);
      await this.publications.parkFor(account.id, err.message);
      return { ...parked(err.message), to: undefined };
    }
    if (progress.status === 'processing')
      return {
        result: 'waiting',
        to: { state: 'processing', cause: 'publish' },
        patch: {
          session: progress.session,
          lastError: null,
          attempts: 0,
          nextRunAt: new Date(Date.now() + this.config.publishPollMs),
        },
      };
    const publishedAt = new Date();
    return {
      result: 'advanced',
      to: { state: 'published', cause: 'publish' },
      patch: {
        publishedAt,
        resultsDueAt: firstReadingAt(publishedAt),
        externalId: progress.externalId,
        postUrl: progress.postUrl,
        lastError: null,
        attempts: 0,
        nextRunAt: null,
      },
    };
  }

  private failure(row: SnsUploadEntity, err: unknown): PublicationOutcome {
    const attempt = row.attempts + 1;
    const message =
      err instanceof ProviderError ? err.message : `publishing failed: ${(err as Error).message}`;
    // a limit that frees itself with time: wait for it, however often, without using attempts
    if (err instanceof ProviderLimitWaitError)
      return {
        result: 'waiting',
        patch: {
          lastError: message,
          nextRunAt: new Date(Date.now() + (err.retryAfterSec ?? 3600) * 1000),
        },
      };
    const delay =
      err instanceof ProviderUnavailableError
        ? retryDelayMs(attempt, this.config.pipeline, err.retryAfterSec)
        : null;
    if (delay !== null) {
      this.logger.warn(
        `publication ${row.id} attempt ${attempt} failed (${message}); retrying in ${delay} ms`,
      );
      return {
        result: 'retrying',
        patch: { attempts: attempt, lastError: message, nextRunAt: new Date(Date.now() + delay) },
      };
    }
    if (!(err instanceof ProviderError))
      this.logger.error(`publication ${row.id} failed: ${(err as Error).stack}`);
    const reason =
      err instanceof ProviderUnavailableError
        ? `gave up after ${attempt} attempts: ${message}`
        : message;
    return failedFor(reason);
  }
}

/** Waits for the account to be connected again (see PublicationRepository.resumeFor). */
const parked = (reason: string | null): PublicationOutcome => ({
  result: 'waiting',
  to: { state: 'parked', cause: 'park' },
  patch: {
    lastError: reason ?? 'the account must be connected again',
    nextRunAt: null,
    attempts: 0,
  },
});

const failedFor = (reason: string): PublicationOutcome => ({
  result: 'failed',
  to: { state: 'failed', cause: 'fail' },
  patch: { lastError: reason, nextRunAt: null },
});
