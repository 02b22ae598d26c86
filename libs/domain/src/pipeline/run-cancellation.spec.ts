import { Subject } from 'rxjs';
import { ProjectEventFeed } from './live/project-event-feed';
import { ProjectEventMessage } from './live/project-event-message';
import { RunCancellation } from './run-cancellation';

describe("a running step's watch on its project's cancel", () => {
  const events = new Subject<ProjectEventMessage>();
  const feed = { changes: () => events } as unknown as ProjectEventFeed;
  const event = (fields: Partial<ProjectEventMessage>): ProjectEventMessage => ({
    seq: 1,
    projectId: 'p-1',
    fromState: 'SONG_READY',
    toState: 'SONG_READY',
    step: 'submit_video',
    message: null,
    percent: null,
    at: new Date().toISOString(),
    ...fields,
  });
  const watching = () => {
    const w = new RunCancellation(feed).watch('p-1', 0);
    return new Promise<typeof w>((resolve) => setTimeout(() => resolve(w), 5));
  };

  it('fires on a cancel, to CANCELLED or (a re-render) back to DONE, and on nothing else', async () => {
    const w = await watching();
    events.next(event({ percent: 50, message: 'rendering: 40%' }));
    events.next(event({ toState: 'VIDEO_SUBMITTED' }));
    expect(w.cancelled.aborted).toBe(false);
    events.next(event({ toState: 'DONE', step: 'cancel' }));
    expect(w.cancelled.aborted).toBe(true);
    w.stop();

    const first = await watching();
    events.next(event({ toState: 'CANCELLED', step: 'cancel' }));
    expect(first.cancelled.aborted).toBe(true);
    first.stop();
  });
});
