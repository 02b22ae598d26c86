import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AppConfig, ownerActionOf, ProjectEventFeed, ProjectEventMessage } from '@app/domain';

export type SseMessage =
  | { type: string; id: string; data: unknown }
  /** a comment line: clients ignore it, proxies see the connection is alive */
  | { comment: string };

/**
 * Live progress over SSE, on any API instance: the events of one project from the feed (the
 * DB once for what the client missed, then Redis pub/sub or the shared poll), a heartbeat
 * comment while idle, and the end of the stream once the project has ended.
 */
@Injectable()
export class ProjectEventsStream implements BeforeApplicationShutdown {
  private readonly heartbeatMs: number;
  /** open streams, completed when the API stops: an open stream must not hold the stop up */
  private readonly open = new Set<() => void>();
  private stopping = false;

  constructor(
    config: AppConfig,
    private readonly feed: ProjectEventFeed,
  ) {
    this.heartbeatMs = config.liveProgress.heartbeatMs;
  }

  /** before the HTTP server closes (it waits for open requests, and a stream is one) */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const end of [...this.open]) end();
  }

  follow(projectId: string, afterSeq: number, finished: boolean): Observable<SseMessage> {
    return new Observable<SseMessage>((sub) => {
      if (this.stopping) return sub.complete();
      let beat: NodeJS.Timeout | undefined;
      const idle = () => {
        clearInterval(beat);
        beat = setInterval(() => sub.next({ comment: 'heartbeat' }), this.heartbeatMs);
      };
      const end = () => sub.complete();
      this.open.add(end);
      idle();
      const events = this.feed.follow(projectId, afterSeq, finished).subscribe({
        next: (e) => {
          idle();
          sub.next(stateMessage(e));
        },
        error: (err: unknown) => sub.error(err),
        complete: end,
      });
      return () => {
        clearInterval(beat);
        this.open.delete(end);
        events.unsubscribe();
      };
    });
  }
}

function stateMessage(e: ProjectEventMessage): SseMessage {
  // a running step's progress (a render's percent) changes no state
  if (e.percent !== null)
    return {
      type: 'progress',
      id: String(e.seq),
      data: { state: e.toState, step: e.step, percent: e.percent, message: e.message, at: e.at },
    };
  return {
    type: 'state',
    id: String(e.seq),
    data: {
      state: e.toState,
      from: e.fromState,
      step: e.step,
      message: e.message,
      // the owner's turn: what they must do for the project to go on
      ...(ownerActionOf(e) ? { waitingFor: 'owner', action: ownerActionOf(e) } : {}),
      at: e.at,
    },
  };
}
