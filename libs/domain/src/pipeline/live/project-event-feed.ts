import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { ProjectEventRepository } from '../project-event.repository';
import { eventMessage, isFinalState, ProjectEventMessage } from './project-event-message';
import { RedisEventChannel } from './redis-event-channel';

/**
 * A transaction that took a lower event number can commit after a higher one was read: the
 * shared poll reads again what was written in the last few seconds (followers drop repeats).
 */
const LOOKBACK_MS = 5000;
const POLL_PAGE = 500;
/** with Redis delivering, the poll only backs up a publication lost on the way */
const BACKSTOP_FACTOR = 10;

interface Follower {
  projectId: string;
  deliver(events: ProjectEventMessage[]): void;
}

/**
 * Live progress for every stream of this process. The database stays the record: an event is
 * written to project_events, then, once committed, handed to this process's followers at once
 * and published on Redis for the other processes (ProjectEventPublisher). A stream reads what
 * it missed from the DB once, then listens. Where Redis cannot bring events (embedded, stages
 * 1-2, or Redis down), one shared query per interval reads new events for all streams of the
 * process, never one per stream.
 */
@Injectable()
export class ProjectEventFeed implements OnModuleDestroy {
  private readonly logger = new Logger(ProjectEventFeed.name);
  private readonly followers = new Map<string, Set<Follower>>();
  private followerCount = 0;
  private readonly pollMs: number;
  private pollTimer?: NodeJS.Timeout;
  private pollDue = 0;
  private polling?: Promise<void>;
  /** the shared poll's progress: every event up to `seq` was read by the poll started at `at` */
  private marks: { at: number; seq: number }[] = [];
  private starting?: Promise<void>;
  private destroyed = false;

  constructor(
    config: AppConfig,
    private readonly events: ProjectEventRepository,
    private readonly channel: RedisEventChannel,
  ) {
    this.pollMs = config.liveProgress.pollMs;
  }

  /** Committed events: to this process's followers now, to the other processes through Redis. */
  publish(events: ProjectEventMessage[]): void {
    if (events.length === 0) return;
    this.dispatch(events);
    this.channel.publish(JSON.stringify(events));
  }

  /**
   * One project's events after `afterSeq`: those already written, read once from the DB, then
   * each new one as it happens. Completes after a final state (DONE, FAILED, CANCELLED) that
   * nothing followed (a retry or a re-render goes on after an earlier one), or after the catch-up
   * when `finished` says the project had already ended.
   */
  follow(projectId: string, afterSeq: number, finished: boolean): Observable<ProjectEventMessage> {
    return new Observable<ProjectEventMessage>((sub) => {
      const seen = new Set<number>();
      // events that arrive while the catch-up reads the DB wait for it, so order holds
      let waiting: ProjectEventMessage[] | null = [];
      let last: ProjectEventMessage | undefined;
      const emit = (events: ProjectEventMessage[], catchingUp = false) => {
        for (const e of events) {
          if (sub.closed) return;
          if (e.seq <= afterSeq || seen.has(e.seq)) continue;
          seen.add(e.seq);
          sub.next((last = e));
          if (!catchingUp && isFinalState(e.toState)) sub.complete();
        }
      };
      const follower: Follower = {
        projectId,
        deliver: (events) => (waiting ? waiting.push(...events) : emit(events)),
      };
      this.add(follower);
      void (async () => {
        await this.start();
        for (let after = afterSeq; !sub.closed;) {
          const page = await this.events.events(projectId, after);
          emit(page.map(eventMessage), true);
          if (page.length < 100) break;
          after = page[page.length - 1].seq;
        }
        const arrived = waiting ?? [];
        waiting = null;
        emit(arrived);
        if (finished || (last && isFinalState(last.toState))) sub.complete();
      })().catch((err: unknown) => sub.error(err));
      return () => this.remove(follower);
    });
  }

  /** Where the re-render a project runs now started: the number of its remake_video event. */
  rerenderStart(projectId: string): Promise<number | null> {
    return this.events.latestSeqBy(projectId, 'remake_video');
  }

  /**
   * One project's events from now on, with no read of what came before: for a watcher that only
   * cares what happens next (a running step listening for its project's cancel).
   */
  changes(projectId: string): Observable<ProjectEventMessage> {
    return new Observable<ProjectEventMessage>((sub) => {
      const follower: Follower = {
        projectId,
        deliver: (events) => events.forEach((e) => sub.next(e)),
      };
      this.add(follower);
      this.start().catch((err: unknown) => sub.error(err));
      return () => this.remove(follower);
    });
  }

  private add(f: Follower): void {
    let set = this.followers.get(f.projectId);
    if (!set) this.followers.set(f.projectId, (set = new Set()));
    set.add(f);
    this.followerCount++;
  }

  private remove(f: Follower): void {
    const set = this.followers.get(f.projectId);
    if (!set?.delete(f)) return;
    if (set.size === 0) this.followers.delete(f.projectId);
    if (--this.followerCount === 0) this.stopPolling();
  }

  private dispatch(events: ProjectEventMessage[]): void {
    for (const e of events) {
      const set = this.followers.get(e.projectId);
      if (set) for (const f of [...set]) f.deliver([e]);
    }
  }

  /** Before the first follower's catch-up: subscribed to Redis, and the shared poll's start. */
  private start(): Promise<void> {
    this.starting ??= (async () => {
      await this.channel.subscribe(
        (payload) => this.received(payload),
        (live) => this.schedulePoll(live ? 0 : this.pollMs),
      );
      if (this.marks.length === 0)
        this.marks = [{ at: Date.now(), seq: await this.events.latestEventSeq() }];
      if (!this.pollTimer && !this.polling) this.schedulePoll(this.interval());
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private received(payload: string): void {
    try {
      this.dispatch(JSON.parse(payload) as ProjectEventMessage[]);
    } catch (err) {
      this.logger.warn(`unreadable project event message dropped: ${(err as Error).message}`);
    }
  }

  private interval(): number {
    return this.channel.live ? this.pollMs * BACKSTOP_FACTOR : this.pollMs;
  }

  /** The next poll in `delayMs`, or sooner if one is due sooner already. */
  private schedulePoll(delayMs: number): void {
    if (this.destroyed || this.followerCount === 0 || this.marks.length === 0) return;
    const due = Date.now() + delayMs;
    if (this.pollTimer && this.pollDue <= due) return;
    clearTimeout(this.pollTimer);
    this.pollDue = due;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.polling ??= this.poll()
        .catch((err: Error) => this.logger.warn(`live progress poll failed: ${err.message}`))
        .finally(() => {
          this.polling = undefined;
          if (!this.pollTimer) this.schedulePoll(this.interval());
        });
    }, delayMs);
    this.pollTimer.unref();
  }

  /** One query (a page more in a burst) for every follower of the process. */
  private async poll(): Promise<void> {
    if (this.marks.length === 0) return;
    const started = Date.now();
    const settled = this.marks.filter((m) => m.at <= started - LOOKBACK_MS);
    let from = (settled.length ? settled[settled.length - 1] : this.marks[0]).seq;
    if (settled.length > 1) this.marks = this.marks.slice(settled.length - 1);
    let newest = this.marks[this.marks.length - 1].seq;
    for (;;) {
      const rows = await this.events.eventsSince(from, POLL_PAGE);
      if (rows.length) {
        this.dispatch(rows.map(eventMessage));
        from = Number(rows[rows.length - 1].seq);
        newest = Math.max(newest, from);
      }
      if (rows.length < POLL_PAGE || this.followerCount === 0) break;
    }
    if (this.marks.length) this.marks.push({ at: started, seq: newest });
  }

  private stopPolling(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    // the next first follower starts from the newest event again
    this.marks = [];
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    this.stopPolling();
  }
}
