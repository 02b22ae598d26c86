import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import {
  concatMap,
  from,
  interval,
  Observable,
  startWith,
  Subject,
  takeUntil,
  takeWhile,
} from 'rxjs';
import { ProjectRepository, TERMINAL_STATES } from '@app/domain';

const POLL_MS = 1000;

/**
 * Live progress that works on any API instance: changes are read from the project's event
 * rows in the DB (the scheduler writes them), so no instance needs to have seen the change.
 */
@Injectable()
export class ProjectEventsStream implements BeforeApplicationShutdown {
  /** completes every open stream when the API stops: an open stream must not hold the stop up */
  private readonly stopping = new Subject<void>();

  constructor(private readonly projects: ProjectRepository) {}

  /** before the HTTP server closes (it waits for open requests, and a stream is one) */
  beforeApplicationShutdown(): void {
    this.stopping.next();
    this.stopping.complete();
  }

  follow(projectId: string): Observable<{ type: string; id: string; data: unknown }> {
    let lastSeq = 0;
    let done = false;
    return interval(POLL_MS).pipe(
      startWith(0),
      takeUntil(this.stopping),
      takeWhile(() => !done),
      concatMap(() =>
        from(
          (async () => {
            const events = await this.projects.events(projectId, lastSeq);
            return events.map((e) => {
              lastSeq = e.seq;
              if (
                (TERMINAL_STATES as readonly string[]).includes(e.toState) ||
                e.toState === 'FAILED'
              )
                done = true;
              return {
                type: 'state',
                id: String(e.seq),
                data: {
                  state: e.toState,
                  from: e.fromState,
                  step: e.step,
                  message: e.message,
                  at: e.at.toISOString(),
                },
              };
            });
          })(),
        ),
      ),
      concatMap((batch) => from(batch)),
    );
  }
}
