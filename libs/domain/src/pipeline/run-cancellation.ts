import { Injectable } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { ProjectEventFeed } from './live/project-event-feed';

/** A running step's watch on its project: `cancelled` fires when its owner cancels it. */
export interface CancelWatch {
  cancelled: AbortSignal;
  stop(): void;
}

/**
 * Stops a step's local work (an FFmpeg render) as soon as its project is cancelled, instead of
 * at the lease's next heartbeat (a third of the lease: 10 s by default). It listens to the same
 * live feed as the owner's progress stream (Redis at stage 3, one shared poll of the event log
 * otherwise), and only for steps still running after `afterMs`: a short step costs no query.
 */
@Injectable()
export class RunCancellation {
  constructor(private readonly feed: ProjectEventFeed) {}

  watch(projectId: string, afterMs = 500): CancelWatch {
    const cancel = new AbortController();
    let subscription: Subscription | undefined;
    const timer = setTimeout(() => {
      subscription = this.feed.changes(projectId).subscribe({
        next: (e) => {
          // a cancelled re-render goes back to DONE: the cancel is told by its cause
          if (e.toState === 'CANCELLED' || e.step === 'cancel')
            cancel.abort(new Error('the project was cancelled'));
        },
        // the feed failing (the database away) leaves the heartbeat to notice a cancel
        error: () => undefined,
      });
    }, afterMs);
    return {
      cancelled: cancel.signal,
      stop: () => {
        clearTimeout(timer);
        subscription?.unsubscribe();
      },
    };
  }
}
