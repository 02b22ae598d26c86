import { Principal } from '../accounts/principal';
import { AppConfig } from '../config/app-config';
import {
  BusyError,
  GoneError,
  NotFoundError,
  QuotaExceededError,
  UnprocessableError,
} from '../errors/domain-errors';
import {
  IdempotencyClaim,
  IdempotencyRepository,
  IdempotentOutcome,
} from './idempotency.repository';
import { IdempotencyScope } from './idempotency-scope';
import { IdempotentRequest, IdempotentRequests } from './idempotent-requests';

interface KeyRow {
  caller: string;
  holder: string;
  requestHash: string;
  expiresAt: number;
  outcome?: IdempotentOutcome;
}

/**
 * Key records in memory, as the repository keeps them: first, then in progress until an
 * outcome is recorded (by the creating transaction, `recordInScope`, or on completion), or
 * released while none is; a caller holds at most `limit` live keys.
 */
class KeysDouble {
  rows = new Map<string, KeyRow>();
  now = 1_000_000;
  async claim(input: {
    id: string;
    caller: string;
    requestHash: string;
    limit: number;
    holder: string;
  }): Promise<IdempotencyClaim> {
    const found = this.rows.get(input.id);
    if (found && found.expiresAt > this.now) {
      if (found.requestHash !== input.requestHash) return { kind: 'mismatch' };
      return found.outcome ? { kind: 'replay', ...found.outcome } : { kind: 'in_progress' };
    }
    const live = [...this.rows.values()]
      .filter((r) => r.caller === input.caller && r.expiresAt > this.now)
      .sort((a, b) => a.expiresAt - b.expiresAt);
    if (live.length >= input.limit)
      return { kind: 'too_many', freesAt: new Date(live[0].expiresAt) };
    this.rows.set(input.id, { ...input, expiresAt: this.now + 120_000 });
    return { kind: 'first' };
  }
  /** what a creating repository does inside its transaction (recordCreated) */
  recordInScope(kind: string, ids: string[]): void {
    const key = IdempotencyScope.current()!;
    const row = this.rows.get(key.id)!;
    row.outcome ??= { statusCode: key.statusCode, resource: { kind, ids } };
  }
  async renew(): Promise<boolean> {
    return true;
  }
  async complete(id: string, holder: string, outcome: IdempotentOutcome): Promise<void> {
    const row = this.rows.get(id)!;
    if (row.holder !== holder) return;
    row.outcome ??= outcome;
    row.expiresAt = this.now + 24 * 3600_000;
  }
  async release(id: string, holder: string): Promise<void> {
    const row = this.rows.get(id);
    if (row && !row.outcome && row.holder === holder) this.rows.delete(id);
  }
}

const alice: Principal = { kind: 'user', userId: 'u1', role: 'user' };
const bob: Principal = { kind: 'user', userId: 'u2', role: 'user' };
const partner: Principal = { kind: 'partner', partnerId: 'p1', keyId: 'k1', scopes: [] };

function setup(keysPerCaller = 100) {
  const keys = new KeysDouble();
  const config = { idempotency: { keysPerCaller } } as AppConfig;
  const requests = new IdempotentRequests(keys as unknown as IdempotencyRepository, config);
  /** the things that exist now, by id (a replay shows them as they are) */
  const things = new Map<string, { id: string; link: string }>();
  let made = 0;
  const create = async () => {
    const thing = { id: `s${++made}`, link: 'link-1' };
    things.set(thing.id, thing);
    return thing;
  };
  const replay = async (r: { kind: string; ids: string[] }) => {
    const thing = things.get(r.ids[0]);
    if (!thing) throw new NotFoundError(`${r.kind} not found`);
    return thing;
  };
  const req = (over: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
    by: alice,
    route: 'POST /v1/stores',
    key: 'k',
    requestHash: 'h',
    statusCode: 201,
    resource: 'store',
    ...over,
  });
  return { keys, requests, things, create, replay, req, made: () => made };
}

describe('IdempotentRequests', () => {
  it('creates once; a repeat shows the thing as it is now, with its first status', async () => {
    const { requests, things, create, replay, req, made } = setup();
    const first = await requests.run(req(), create, replay);
    expect(first).toEqual({ statusCode: 201, body: { id: 's1', link: 'link-1' }, replayed: false });
    things.get('s1')!.link = 'link-2'; // a signed link made later
    const again = await requests.run(req(), create, replay);
    expect(again).toEqual({ statusCode: 201, body: { id: 's1', link: 'link-2' }, replayed: true });
    expect(made()).toBe(1);
  });

  it('answers a repeat with 410 (GoneError) when the thing it created was deleted', async () => {
    const { requests, things, create, replay, req } = setup();
    await requests.run(req(), create, replay);
    things.delete('s1');
    await expect(requests.run(req(), create, replay)).rejects.toThrow(GoneError);
    await expect(requests.run(req(), create, replay)).rejects.toThrow(/no longer exists/);
  });

  it('keeps the outcome the creating transaction recorded, even when the work fails after it', async () => {
    const { requests, keys, replay, req, things } = setup();
    things.set('s9', { id: 's9', link: 'l' });
    const work = async () => {
      keys.recordInScope('store', ['s9']);
      throw new Error('the answer could not be built');
    };
    await expect(requests.run(req(), work, replay)).rejects.toThrow('could not be built');
    const again = await requests.run(req(), async () => ({ id: 'new', link: '' }), replay);
    expect(again).toMatchObject({ replayed: true, body: { id: 's9' } });
  });

  it('records an action without a creating transaction from its answer (its id)', async () => {
    const { requests, keys, req } = setup();
    const action = req({
      route: 'POST /v1/projects/:id/song',
      resource: 'project',
      statusCode: 202,
    });
    const answer = async () => ({ id: 'p1', state: 'SONG_QUEUED' });
    await requests.run(action, answer, answer);
    expect([...keys.rows.values()][0].outcome).toEqual({
      statusCode: 202,
      resource: { kind: 'project', ids: ['p1'] },
    });
  });

  it('keeps keys apart per caller and per route', async () => {
    const { requests, keys, create, replay, req } = setup();
    for (const by of [alice, bob, partner, undefined])
      expect((await requests.run(req({ by }), create, replay)).replayed).toBe(false);
    await requests.run(req({ route: 'POST /v1/projects' }), create, replay);
    expect(keys.rows.size).toBe(5);
  });

  it('refuses the key with another request (422) and while the first still runs (busy, 2 s)', async () => {
    const { requests, create, replay, req } = setup();
    let release!: () => void;
    const running = requests.run(
      req(),
      () =>
        new Promise<{ id: string; link: string }>(
          (ok) => (release = () => ok({ id: 'r', link: '' })),
        ),
      replay,
    );
    await new Promise((r) => setImmediate(r));
    await expect(requests.run(req({ requestHash: 'other' }), create, replay)).rejects.toThrow(
      UnprocessableError,
    );
    const busy = requests.run(req(), create, replay);
    await expect(busy).rejects.toThrow(BusyError);
    await expect(busy).rejects.toMatchObject({ retryAfterSec: 2 });
    release();
    await running;
  });

  it('frees the key of a request that failed before creating anything: the retry runs', async () => {
    const { requests, keys, create, replay, req } = setup();
    await expect(
      requests.run(req(), async () => Promise.reject(new Error('provider down')), replay),
    ).rejects.toThrow('provider down');
    expect(keys.rows.size).toBe(0);
    expect((await requests.run(req(), create, replay)).replayed).toBe(false);
  });

  it('bounds the live keys of one caller: a new key beyond it is a 429 saying what to do', async () => {
    const { requests, keys, create, replay, req } = setup(2);
    await requests.run(req({ key: 'a' }), create, replay);
    await requests.run(req({ key: 'b' }), create, replay);
    const refused = requests.run(req({ key: 'c' }), create, replay);
    await expect(refused).rejects.toThrow(QuotaExceededError);
    await expect(refused).rejects.toThrow(/reuse a key only to retry/);
    await expect(refused).rejects.toMatchObject({
      resetsAt: new Date(keys.now + 24 * 3600_000),
    });
    // a retry with a key held still replays, and another caller is not held back
    expect((await requests.run(req({ key: 'a' }), create, replay)).replayed).toBe(true);
    expect((await requests.run(req({ key: 'c', by: bob }), create, replay)).replayed).toBe(false);
    // once the oldest expires, a new key is taken again
    keys.now += 24 * 3600_000 + 1;
    expect((await requests.run(req({ key: 'c' }), create, replay)).replayed).toBe(false);
  });
});
