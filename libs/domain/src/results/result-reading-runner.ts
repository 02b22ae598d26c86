import { Injectable, Logger } from '@nestjs/common';
import {
  CredentialRefusedError,
  ProviderRejectedError,
  ProviderUnavailableError,
  VideoPublisher,
  VideoReading,
} from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { ResultReaderEntity } from '../entities/results.entity';
import { SnsUploadEntity, SocialAccountEntity } from '../entities/social.entity';
import { PublicationRepository } from '../social/publication.repository';
import { SocialAccountRepository } from '../social/social-account.repository';
import { SocialService } from '../social/social.service';
import { LeasedWorkRunner, RELEASE, WorkRun } from '../work/leased-work-runner';
import { retryDelayMs, WorkResult } from '../work/retry-policy';
import { Clock } from './clock';
import {
  batchesWithin,
  callsFor,
  nextQuotaDayAt,
  nextReadingAt,
  quotaDay,
} from './reading-schedule';
import { ResultReaderPatch, ResultReaderRepository } from './result-reader.repository';
import { VideoReadingRepository } from './video-reading.repository';

/** At most this many videos per run: a run stays short, the rest are read on the next. */
const VIDEOS_PER_RUN = 500;

interface ReadingOutcome {
  result: WorkResult;
  patch: ResultReaderPatch;
}

/**
 * Reads one account's due videos' figures back from its platform (a ResultReader claimed on
 * the leased-work engine): as many as the day's quota lets through, `resultsBatch` ids per call;
 * each figure stored as a reading, each "not yet" noted without a reading, each video given
 * its next reading on the decaying schedule. A dead grant parks the reader and flags the
 * account as publishing does; a refusal (YouTube's quotaExceeded) waits for the next quota day.
 */
@Injectable()
export class ResultReadingRunner extends LeasedWorkRunner<ResultReaderEntity, ReadingOutcome> {
  protected readonly logger = new Logger(ResultReadingRunner.name);

  constructor(
    private readonly config: AppConfig,
    private readonly readers: ResultReaderRepository,
    private readonly readings: VideoReadingRepository,
    private readonly accounts: SocialAccountRepository,
    private readonly publications: PublicationRepository,
    private readonly social: SocialService,
    private readonly clock: Clock,
  ) {
    super('result reader', readers, config.pipeline.leaseMs);
  }

  protected async perform({ row }: WorkRun<ResultReaderEntity>): Promise<ReadingOutcome> {
    const now = this.clock.now();
    const account = await this.accounts.findById(row.id);
    // the account was disconnected: nothing to read with, and nothing due again
    if (!account) return { result: 'skipped', patch: { nextRunAt: null } };
    if (account.reconnectNeededAt) return parked(account.reconnectReason);
    const due = await this.publications.resultsDue(row.id, now, VIDEOS_PER_RUN);
    if (due.length === 0) return this.done(row.id);
    const publisher = this.social.publisher(row.platform);
    const calls = await this.callsAllowed(publisher, due.length, now);
    if (calls === 0)
      return {
        result: 'waiting',
        patch: { nextRunAt: nextQuotaDayAt(now), lastError: 'the day’s reading quota is spent' },
      };
    try {
      await this.readVideos(account, publisher, batchesWithin(due, publisher.resultsBatch, calls));
    } catch (err) {
      if (!(err instanceof CredentialRefusedError)) throw err;
      // as publishing does: the account needs its owner; its publications wait too
      this.logger.warn(`account ${account.id} needs reconnecting: ${err.message}`);
      await this.accounts.markReconnectNeeded(account.id, err.message);
      await this.publications.parkFor(account.id, err.message);
      return parked(err.message);
    }
    return this.done(row.id);
  }

  /** A parked reader has nothing to do until its account is connected again. */
  protected hasWork(row: ResultReaderEntity): boolean {
    return row.state === 'reading';
  }

  /** Reads the batches, one platform call each, storing each batch's readings as it goes. */
  private async readVideos(
    account: SocialAccountEntity,
    publisher: VideoPublisher,
    batches: SnsUploadEntity[][],
  ): Promise<void> {
    const grant = await this.social.freshGrant(account);
    for (const batch of batches) {
      const answers = await publisher.readResults(
        grant,
        batch.map((u) => u.externalId!),
      );
      await this.store(batch, answers, this.clock.now());
    }
  }

  private async store(batch: SnsUploadEntity[], answers: VideoReading[], readAt: Date) {
    const byId = new Map(answers.map((a) => [a.externalId, a]));
    const found = batch.flatMap((u) => {
      const a = byId.get(u.externalId!);
      return a && 'figures' in a ? [{ u, figures: a.figures }] : [];
    });
    await this.readings.add(
      found.map(({ u, figures }) => ({
        publicationId: u.id,
        projectId: u.projectId,
        platform: u.platform,
        readAt,
        figures,
      })),
    );
    for (const u of batch) {
      const a = byId.get(u.externalId!);
      const note = !a ? 'the platform did not answer for it' : 'notYet' in a ? a.notYet : null;
      await this.publications.scheduleResults(
        u.id,
        nextReadingAt(u.publishedAt ?? u.createdAt, readAt),
        note,
      );
    }
  }

  /** Calls the run may make: all it needs where the platform has no daily quota configured. */
  private async callsAllowed(publisher: VideoPublisher, videos: number, now: Date) {
    const wanted = callsFor(videos, publisher.resultsBatch);
    const quota = this.config.results.dailyQuota[publisher.platform];
    if (quota === undefined) return wanted;
    return this.readers.takeQuota(publisher.platform, quotaDay(now), wanted, quota);
  }

  /** Read what was due (or all the quota let through): due again at its soonest video. */
  private async done(accountId: string): Promise<ReadingOutcome> {
    const nextRunAt = await this.publications.nextResultsDue(accountId);
    return { result: 'advanced', patch: { nextRunAt, attempts: 0, lastError: null } };
  }

  /** A failed run is written back as an outcome: readings retry, they never fail for good. */
  protected failed(run: WorkRun<ResultReaderEntity>, err: unknown): Promise<WorkResult> {
    const outcome = this.failure(run.row, err);
    return this.writeBack(run, outcome);
  }

  /** The outcome, with the lease let go, written only while the lease is still held. */
  protected async writeBack(run: WorkRun<ResultReaderEntity>, outcome: ReadingOutcome) {
    const patch = { ...outcome.patch, ...RELEASE };
    const written = await this.readers.updateIfLeased(run.row.id, run.leaseOwner, patch);
    return written ? outcome.result : ('lost-lease' as const);
  }

  /** Readings never fail for good: a transient error backs off, anything else waits a day. */
  private failure(row: ResultReaderEntity, err: unknown): ReadingOutcome {
    const now = this.clock.now();
    const attempt = row.attempts + 1;
    const message = (err as Error).message;
    const delay =
      err instanceof ProviderUnavailableError
        ? retryDelayMs(attempt, this.config.pipeline, err.retryAfterSec)
        : null;
    if (!(err instanceof ProviderRejectedError) && !(err instanceof ProviderUnavailableError))
      this.logger.error(`reading results of account ${row.id} failed: ${(err as Error).stack}`);
    else this.logger.warn(`reading results of account ${row.id} failed: ${message}`);
    return {
      result: 'retrying',
      patch: {
        attempts: delay === null ? 0 : attempt,
        lastError: message,
        nextRunAt: delay === null ? nextQuotaDayAt(now) : new Date(now.getTime() + delay),
      },
    };
  }

  /** One claimed reader's run (the WorkTicker's job of kind 'reading'). */
  run(accountId: string, leaseOwner: string): Promise<WorkResult> {
    return this.runLeased(accountId, leaseOwner);
  }
}

const parked = (reason: string | null): ReadingOutcome => ({
  result: 'waiting',
  patch: {
    state: 'parked',
    lastError: reason ?? 'the account must be connected again',
    nextRunAt: null,
    attempts: 0,
  },
});
