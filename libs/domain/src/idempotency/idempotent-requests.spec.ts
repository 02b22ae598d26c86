import { Principal } from '../accounts/principal';
import { BusyError, UnprocessableError } from '../errors/domain-errors';
import { IdempotencyClaim, IdempotencyRepository } from './idempotency.repository';
import { IdempotentRequests } from './idempotent-requests';

/** Key records in memory: first, then in progress until completed or released. */
class KeysDouble {
  rows = new Map<string, { requestHash: string; answer?: { statusCode: number; body: unknown } }>();
  async claim(id: string, requestHash: string): Promise<IdempotencyClaim> {
    const found = this.rows.get(id);
    if (!found) {
      this.rows.set(id, { requestHash });
      return { kind: 'first' };
    }
    if (found.requestHash !== requestHash) return { kind: 'mismatch' };
    return found.answer ? { kind: 'replay', ...found.answer } : { kind: 'in_progress' };
  }
  async complete(id: string, statusCode: number, body: unknown): Promise<void> {
    this.rows.get(id)!.answer = { statusCode, body };
  }
  async release(id: string): Promise<void> {
    this.rows.delete(id);
  }
}

const alice: Principal = { kind: 'user', userId: 'u1', role: 'user' };
const bob: Principal = { kind: 'user', userId: 'u2', role: 'user' };
const partner: Principal = { kind: 'partner', partnerId: 'p1', keyId: 'k1', scopes: [] };
const route = 'POST /v1/projects';

function setup() {
  const keys = new KeysDouble();
  return { keys, requests: new IdempotentRequests(keys as unknown as IdempotencyRepository) };
}

describe('IdempotentRequests', () => {
  it('replays the first answer to the same request with the same key', async () => {
    const { requests } = setup();
    const first = await requests.begin({ by: alice, route, key: 'k', requestHash: 'h' });
    expect(first.kind).toBe('first');
    if (first.kind !== 'first') return;
    await requests.complete(first.id, 201, { id: 'p1' });
    expect(await requests.begin({ by: alice, route, key: 'k', requestHash: 'h' })).toEqual({
      kind: 'replay',
      statusCode: 201,
      body: { id: 'p1' },
    });
  });

  it('keeps keys apart per caller and per route', async () => {
    const { requests, keys } = setup();
    for (const by of [alice, bob, partner, undefined])
      expect((await requests.begin({ by, route, key: 'k', requestHash: 'h' })).kind).toBe('first');
    const other = { by: alice, route: 'POST /v1/stores', key: 'k', requestHash: 'h' };
    expect((await requests.begin(other)).kind).toBe('first');
    expect(keys.rows.size).toBe(5);
  });

  it('refuses the key with another request (422) and while the first still runs (busy)', async () => {
    const { requests } = setup();
    await requests.begin({ by: alice, route, key: 'k', requestHash: 'h' });
    await expect(
      requests.begin({ by: alice, route, key: 'k', requestHash: 'other' }),
    ).rejects.toThrow(UnprocessableError);
    const busy = requests.begin({ by: alice, route, key: 'k', requestHash: 'h' });
    await expect(busy).rejects.toThrow(BusyError);
    await expect(busy).rejects.toMatchObject({ retryAfterSec: 2 });
  });

  it('frees the key of a request that failed: the retry runs again', async () => {
    const { requests } = setup();
    const first = await requests.begin({ by: alice, route, key: 'k', requestHash: 'h' });
    if (first.kind !== 'first') throw new Error('expected the first request');
    await requests.release(first.id);
    expect((await requests.begin({ by: alice, route, key: 'k', requestHash: 'h' })).kind).toBe(
      'first',
    );
  });

  it('once: runs the work for the first call only, and the repeat gets the first answer', async () => {
    const { requests } = setup();
    let runs = 0;
    const call = () =>
      requests.once(
        { by: partner, route: 'MCP create_store', key: 'k', request: { name: 'A' } },
        async () => ({ id: `s${++runs}` }),
      );
    expect(await call()).toEqual({ id: 's1' });
    expect(await call()).toEqual({ id: 's1' });
    expect(runs).toBe(1);
    await expect(
      requests.once(
        { by: partner, route: 'MCP create_store', key: 'k', request: { name: 'B' } },
        async () => ({ id: 'other' }),
      ),
    ).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('once: a failed run frees the key, so the retry runs', async () => {
    const { requests, keys } = setup();
    const input = { by: alice, route: 'MCP publish', key: 'k', request: {} };
    await expect(
      requests.once(input, async () => Promise.reject(new Error('provider down'))),
    ).rejects.toThrow('provider down');
    expect(keys.rows.size).toBe(0);
    expect(await requests.once(input, async () => 'done')).toBe('done');
  });
});
