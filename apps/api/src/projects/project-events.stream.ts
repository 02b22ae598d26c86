import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { defer, map, Observable, of, switchMap } from 'rxjs';
import {
  AppConfig,
  endsRerender,
  LimitReachedError,
  ownerActionOf,
  presentedEventState,
  presentedState,
  progressResetOf,
  ProjectEventFeed,
  ProjectEventMessage,
  ProjectState,
  startsRerender,
} from '@app/domain';

export type SseMessage =
  | { type: string; id: string; data: unknown }
  /** a comment line: clients ignore it, proxies see the connection is alive */
  | { comment: string };

/** Who holds a stream open, and whether the login or key they opened it with still holds. */
export interface StreamHolder {
  /** one user or one partner key */
  id: string;
  stillHolds: () => Promise<boolean>;
}

/**
 * Live progress over SSE, on any API instance: the events of one project from the feed (the
 * DB once for what the client missed, then Redis pub/sub or the shared poll), a heartbeat
 * comment while idle, and the end of the stream once the project has ended. A holder keeps
 * at most SSE_STREAMS_PER_USER streams open here; each stream asks every heartbeat whether its
 * holder's login still holds, and ends when it does not (a logout ends it within a beat).
 */
@Injectable()
export class ProjectEventsStream implements BeforeApplicationShutdown {
  private readonly heartbeatMs: number;
  private readonly streamsPerHolder: number;
  /** open streams by holder */
  private readonly held = new Map<string, number>();
  /** open streams, completed when the API stops: an open stream must not hold the stop up */
  private readonly open = new Set<() => void>();
  private stopping = false;

  constructor(
    config: AppConfig,
    private readonly feed: ProjectEventFeed,
  ) {
    this.heartbeatMs = config.liveProgress.heartbeatMs;
    this.streamsPerHolder = config.liveProgress.streamsPerHolder;
  }

  /** before the HTTP server closes (it waits for open requests, and a stream is one) */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const end of [...this.open]) end();
  }

  /** The project's stream for `holder`; refused (429) while they hold the most allowed. */
  follow(
    projectId: string,
    afterSeq: number,
    project: { finished: boolean; rerendering: boolean },
    holder: StreamHolder,
  ): Observable<SseMessage> {
    const free = this.take(holder.id);
    return new Observable<SseMessage>((sub) => {
      if (this.stopping) {
        free();
        return sub.complete();
      }
      let beat: NodeJS.Timeout | undefined;
      const idle = () => {
        clearInterval(beat);
        beat = setInterval(() => sub.next({ comment: 'heartbeat' }), this.heartbeatMs);
      };
      const end = () => sub.complete();
      this.open.add(end);
      idle();
      // asked on its own beat (events reset the idle one): a busy stream is rechecked too
      const recheck = setInterval(
        () => void holder.stillHolds().then((ok) => ok || end()),
        this.heartbeatMs,
      );
      // a re-render's events show the project as its owner sees it: DONE, re-rendering. Where
      // the stream starts inside one (running now, or resumed past its start), where it began
      const rerenderFrom = defer(() =>
        project.rerendering || afterSeq > 0 ? this.feed.rerenderStart(projectId) : of(null),
      );
      const events = rerenderFrom
        .pipe(
          switchMap((from) =>
            this.feed
              .follow(projectId, afterSeq, project.finished)
              .pipe(map(rerenderMarker(from !== null && from <= afterSeq)))
              .pipe(map(([e, rerendering]) => stateMessage(e, rerendering))),
          ),
        )
        .subscribe({
          next: (message) => {
            idle();
            sub.next(message);
          },
          error: (err: unknown) => sub.error(err),
          complete: end,
        });
      return () => {
        clearInterval(beat);
        clearInterval(recheck);
        this.open.delete(end);
        events.unsubscribe();
        free();
      };
    });
  }

  /** One more stream for the holder, or LimitReachedError; the function frees it (once). */
  private take(holderId: string): () => void {
    const n = this.held.get(holderId) ?? 0;
    if (n >= this.streamsPerHolder)
      throw new LimitReachedError(
        `at most ${this.streamsPerHolder} live streams may be open at once for one user or partner key; close one first`,
      );
    this.held.set(holderId, n + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const left = (this.held.get(holderId) ?? 1) - 1;
      if (left > 0) this.held.set(holderId, left);
      else this.held.delete(holderId);
    };
  }
}

/**
 * Marks each event of a stream that is part of a re-render: from the first one when the stream
 * starts inside a re-render (`startsInside`: resumed with Last-Event-ID past its start), and from
 * every re-render the stream shows start, up to the event that ends it. A finished project's
 * history, replayed or resumed, shows its past re-renders as they were seen live: DONE,
 * re-rendering.
 */
function rerenderMarker(startsInside: boolean) {
  let inRerender = startsInside;
  return (e: ProjectEventMessage): [ProjectEventMessage, boolean] => {
    if (startsRerender(e)) inRerender = true;
    const marked: [ProjectEventMessage, boolean] = [e, inRerender];
    if (endsRerender(e.toState as ProjectState)) inRerender = false;
    return marked;
  };
}

/** An event as the stream sends it; `rerendering`: one of a re-render of a finished project. */
function stateMessage(e: ProjectEventMessage, rerendering: boolean): SseMessage {
  // as GET shows the project: a render says so, and during a re-render the project stays DONE
  const { state, subState } = presentedEventState(e, rerendering);
  const seen = { state, ...(subState ? { subState } : {}) };
  const from = presentedState({
    state: e.fromState as ProjectState,
    rerendering,
    rendering: false,
  });
  // why the bar went back (a restart, the owner's retry or re-render), said where it goes back
  const reset = progressResetOf(e);
  const progressReset = reset ? { progressReset: reset } : {};
  // a running step's progress (a render's percent) changes no state
  if (e.percent !== null)
    return {
      type: 'progress',
      id: String(e.seq),
      data: {
        ...seen,
        step: e.step,
        percent: e.percent,
        message: e.message,
        ...progressReset,
        at: e.at,
      },
    };
  return {
    type: 'state',
    id: String(e.seq),
    data: {
      ...seen,
      from: from.state,
      step: e.step,
      message: e.message,
      // the owner's turn: what they must do for the project to go on
      ...(ownerActionOf(e) ? { waitingFor: 'owner', action: ownerActionOf(e) } : {}),
      ...progressReset,
      at: e.at,
    },
  };
}
