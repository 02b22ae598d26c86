import { firstValueFrom, Observable, toArray } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { ProjectEventEntity } from '../../entities/project-event.entity';
import { RedisConnection } from '../../redis/redis-connection';
import { ProjectEventRepository } from '../project-event.repository';
import { ProjectEventFeed } from './project-event-feed';
import { eventMessage, ProjectEventMessage } from './project-event-message';
import { RedisEventChannel } from './redis-event-channel';

/** project_events in memory, counting the reads the feed makes */
class EventRows {
  rows: ProjectEventEntity[] = [];
  private nextSeq = 1;
  reads = { catchUp: 0, poll: 0 };

  /** a row committed by another process (the scheduler): only the DB knows it */
  write(projectId: string, toState: string, seq = this.nextSeq++): ProjectEventEntity {
    const row = Object.assign(new ProjectEventEntity(), {
      seq,
      projectId,
      fromState: 'DRAFT',
      toState,
      step: null,
      durationMs: null,
      message: null,
      at: new Date(),
    });
    this.nextSeq = Math.max(this.nextSeq, seq + 1);
    this.rows.push(row);
    this.rows.sort((a, b) => a.seq - b.seq);
    return row;
  }

  repository(): ProjectEventRepository {
    return {
      events: async (projectId: string, after: number) => {
        this.reads.catchUp++;
        return this.rows.filter((r) => r.projectId === projectId && r.seq > after).slice(0, 100);
      },
      eventsSince: async (after: number, limit: number) => {
        this.reads.poll++;
        return this.rows.filter((r) => r.seq > after).slice(0, limit);
      },
      latestEventSeq: async () => this.rows[this.rows.length - 1]?.seq ?? 0,
    } as unknown as ProjectEventRepository;
  }
}

const POLL_MS = 40;
const config = { liveProgress: { pollMs: POLL_MS, heartbeatMs: 1000 } } as AppConfig;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(o: Observable<ProjectEventMessage>) {
  const got: ProjectEventMessage[] = [];
  let done = false;
  const sub = o.subscribe({ next: (e) => got.push(e), complete: () => (done = true) });
  return { got, isDone: () => done, sub, states: () => got.map((e) => e.toState) };
}

describe('ProjectEventFeed without Redis (embedded, stages 1-2)', () => {
  let db: EventRows;
  let feed: ProjectEventFeed;
  beforeEach(() => {
    db = new EventRows();
    feed = new ProjectEventFeed(
      config,
      db.repository(),
      new RedisEventChannel(config, new RedisConnection(config)),
    );
  });
  afterEach(() => feed.onModuleDestroy());

  it('reads new events for all streams of the process with one query per interval, not one per stream', async () => {
    const streams = Array.from({ length: 50 }, (_, i) => {
      db.write(`p${i}`, 'DRAFT');
      return collect(feed.follow(`p${i}`, 0, false));
    });
    await sleep(POLL_MS / 2);
    expect(db.reads.catchUp).toBe(50);
    expect(streams.every((s) => s.got.length === 1)).toBe(true);
    db.reads.poll = 0;
    for (let i = 0; i < 50; i++) db.write(`p${i}`, 'LYRICS_READY');
    await sleep(POLL_MS * 10);
    expect(streams.every((s) => s.states().join() === 'DRAFT,LYRICS_READY')).toBe(true);
    // about ten intervals passed: ten queries serve fifty streams
    expect(db.reads.poll).toBeGreaterThanOrEqual(2);
    expect(db.reads.poll).toBeLessThanOrEqual(15);
    expect(db.reads.catchUp).toBe(50);
    streams.forEach((s) => s.sub.unsubscribe());
    // no stream open: no query at all
    db.reads.poll = 0;
    await sleep(POLL_MS * 4);
    expect(db.reads.poll).toBe(0);
  });

  it("hands this process's own committed events to its streams at once, without reading the DB", async () => {
    db.write('p1', 'DRAFT');
    const s = collect(feed.follow('p1', 0, false));
    await sleep(5);
    const reads = { ...db.reads };
    feed.publish([eventMessage(db.write('p1', 'LYRICS_READY'))]);
    expect(s.states()).toEqual(['DRAFT', 'LYRICS_READY']);
    expect(db.reads).toEqual(reads);
    s.sub.unsubscribe();
  });

  it('sends each event once, whether it came from the catch-up, the poll or a publication, and ends at a final state', async () => {
    const created = db.write('p1', 'DRAFT');
    const s = collect(feed.follow('p1', 0, false));
    feed.publish([eventMessage(created)]); // arrives while the catch-up reads the DB
    await sleep(5);
    const ready = db.write('p1', 'LYRICS_READY');
    feed.publish([eventMessage(ready)]);
    await sleep(POLL_MS * 3); // the poll reads both again (its look-back window)
    expect(s.states()).toEqual(['DRAFT', 'LYRICS_READY']);
    db.write('p1', 'FAILED');
    await sleep(POLL_MS * 3);
    expect(s.states()).toEqual(['DRAFT', 'LYRICS_READY', 'FAILED']);
    expect(s.isDone()).toBe(true);
  });

  it('still delivers an event whose lower number committed after a higher one was read', async () => {
    db.write('p1', 'DRAFT', 10);
    const s = collect(feed.follow('p1', 0, false));
    await sleep(5);
    db.write('p1', 'SONG_READY', 12);
    await sleep(POLL_MS * 2);
    db.write('p1', 'LYRICS_READY', 11); // its transaction started first, committed last
    await sleep(POLL_MS * 3);
    expect(s.got.map((e) => e.seq).sort()).toEqual([10, 11, 12]);
    s.sub.unsubscribe();
  });

  it('does not end at an earlier run’s end that a retry or a re-render went on from', async () => {
    // a first render DONE, then rendered again: the stream opened now follows the new run
    for (const st of ['SONG_READY', 'DONE', 'SONG_READY']) db.write('p1', st);
    const s = collect(feed.follow('p1', 0, false));
    await sleep(POLL_MS);
    expect(s.states()).toEqual(['SONG_READY', 'DONE', 'SONG_READY']);
    expect(s.isDone()).toBe(false);
    db.write('p1', 'DONE');
    await sleep(POLL_MS * 3);
    expect(s.states()).toEqual(['SONG_READY', 'DONE', 'SONG_READY', 'DONE']);
    expect(s.isDone()).toBe(true);
  });

  it('ends after the catch-up when it read the run’s end, though the project was live when asked', async () => {
    // the project ended between the route's read of it and the catch-up
    for (const st of ['SONG_READY', 'VIDEO_SUBMITTED', 'DONE']) db.write('p1', st);
    const all = await firstValueFrom(feed.follow('p1', 0, false).pipe(toArray()));
    expect(all.map((e) => e.toState)).toEqual(['SONG_READY', 'VIDEO_SUBMITTED', 'DONE']);
  });

  it('starts after Last-Event-ID, and ends after the catch-up when the project had already ended', async () => {
    const rows = ['DRAFT', 'LYRICS_READY', 'CANCELLED'].map((st) => db.write('p1', st));
    const rest = await firstValueFrom(feed.follow('p1', rows[0].seq, true).pipe(toArray()));
    expect(rest.map((e) => e.toState)).toEqual(['LYRICS_READY', 'CANCELLED']);
    const none = await firstValueFrom(feed.follow('p1', rows[2].seq, true).pipe(toArray()));
    expect(none).toEqual([]);
  });
});
