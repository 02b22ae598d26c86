import { describeWithServers } from '../harness/binaries';
import { RedisServer } from '../harness/redis';
import { openSse, SseStream } from '../harness/sse';
import { StagedStack } from '../harness/staged-stack';
import { waitFor } from '../harness/ports';

jest.setTimeout(240_000);

/*
 * Live progress at stage 3: two API instances and a scheduler share Redis. The shared DB poll
 * runs every 2 s only while Redis is down; with Redis up it is a backstop every 20 s, so what
 * reaches a stream sooner came through Redis pub/sub or the stream's one catch-up read.
 */
describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server'],
  'live progress through Redis pub/sub (2 API instances, 1 scheduler, MariaDB primary + replica)',
  () => {
    const redis = new RedisServer();
    let stack: StagedStack;
    let ports: number[];
    let autopilot: string[];
    let waiting: string;
    const streams: { project: string; port: number; sse: SseStream }[] = [];

    const follow = (port: number, project: string, headers: Record<string, string> = {}) =>
      openSse(`http://127.0.0.1:${port}/v1/projects/${project}/events`, {
        'x-api-key': stack.apiKey,
        ...headers,
      });
    const recorded = async (project: string) =>
      (
        await stack.db.primary.query<{ seq: number; to_state: string }[]>(
          'SELECT seq, to_state FROM castad.project_events WHERE project_id = ? ORDER BY seq',
          [project],
        )
      ).map((r) => ({ id: String(r.seq), state: r.to_state }));
    const received = (sse: SseStream) =>
      sse.events.map((e) => ({ id: e.id, state: e.data.state as string }));
    const comSelect = () => stack.db.primary.globalStatus('Com_select');

    beforeAll(async () => {
      await redis.start();
      stack = new StagedStack({
        CASTAD_STAGE: '3',
        DISPATCH_DRIVER: 'inprocess',
        REDIS_URL: redis.url,
        SSE_HEARTBEAT_MS: '300',
        SSE_POLL_MS: '2000',
      });
      await stack.start();
      ports = [stack.apiPort, await stack.startApi()];
      autopilot = await stack.createProjects(4, true);
      [waiting] = await stack.createProjects(1, false);
    });
    afterAll(async () => {
      for (const s of streams) s.sse.close();
      await stack?.destroy();
      await redis.destroy();
    });

    it('keeps idle streams on both instances open with heartbeats and costs the primary no query per stream', async () => {
      for (let i = 0; i < 20; i++) {
        const project = [...autopilot, waiting][i % 5];
        const port = ports[i % 2];
        const sse = await follow(port, project);
        expect(sse.status).toBe(200);
        streams.push({ project, port, sse });
      }
      // each stream read what it had missed (the "created" event) once
      await waitFor('every stream to catch up', async () =>
        streams.every((s) => s.sse.events.length === 1),
      );
      const before = await comSelect();
      const beatsBefore = streams.map((s) => s.sse.comments.length);
      await new Promise((r) => setTimeout(r, 3000));
      const selects = (await comSelect()) - before;
      // one SELECT per stream per second would be 60 here
      expect(selects).toBeLessThanOrEqual(3);
      streams.forEach((s, i) => {
        expect(s.sse.isEnded()).toBe(false);
        expect(s.sse.comments.length - beatsBefore[i]).toBeGreaterThanOrEqual(3);
        expect(new Set(s.sse.comments)).toEqual(new Set(['heartbeat']));
      });
    });

    it('brings what the scheduler writes to streams on every instance, once each, and ends each stream at DONE', async () => {
      await stack.startScheduler();
      const mine = streams.filter((s) => s.project !== waiting);
      await Promise.all(mine.map((s) => s.sse.ended));
      for (const s of mine) {
        const events = received(s.sse);
        expect(events).toEqual(await recorded(s.project));
        expect(events[events.length - 1].state).toBe('DONE');
        expect(events.length).toBeGreaterThan(4);
      }
    });

    it("brings an owner's action written on one instance to a stream on the other, and ends the stream at CANCELLED", async () => {
      await waitFor('the waiting project to need its owner', async () => {
        const r = await stack.api('GET', `/v1/projects/${waiting}`);
        return r.body.state === 'LYRICS_READY';
      });
      const onOther = streams.filter((s) => s.project === waiting && s.port !== ports[0]);
      expect(onOther.length).toBeGreaterThan(0);
      const cancel = await stack.api('POST', `/v1/projects/${waiting}/cancel`);
      expect(cancel.status).toBe(200);
      await Promise.all(onOther.map((s) => s.sse.ended));
      for (const s of onOther) {
        expect(received(s.sse)).toEqual(await recorded(waiting));
        expect(received(s.sse).pop()!.state).toBe('CANCELLED');
      }
    });

    it('gives a late stream what it missed once, from Last-Event-ID on, and ends it when the project had ended', async () => {
      const project = autopilot[0];
      const all = await recorded(project);
      const late = await follow(ports[1], project);
      await late.ended;
      expect(received(late)).toEqual(all);

      const resumed = await follow(ports[0], project, { 'last-event-id': all[2].id });
      await resumed.ended;
      expect(received(resumed)).toEqual(all.slice(3));

      const everything = await follow(ports[0], project, { 'last-event-id': all.pop()!.id });
      await everything.ended;
      expect(everything.events).toEqual([]);

      const bad = await follow(ports[1], project, { 'last-event-id': 'yesterday' });
      expect(bad.status).toBe(400);
      bad.close();
    });

    it('keeps streams going from the database while Redis is down', async () => {
      const [project] = await stack.createProjects(1, false);
      const sse = await follow(ports[1], project);
      await waitFor('the catch-up', async () => sse.events.length > 0);
      await redis.stop();
      const cancel = await stack.api('POST', `/v1/projects/${project}/cancel`);
      expect({ status: cancel.status, body: cancel.body }).toMatchObject({ status: 200 });
      await sse.ended;
      expect(received(sse)).toEqual(await recorded(project));
      expect(received(sse).pop()!.state).toBe('CANCELLED');
    });
  },
);
