import { AppConfig } from '../config/app-config';
import { CacheService } from '../cache/cache.service';
import { RefreshTokenRepository } from './refresh-token.repository';
import { UserStatusService } from './user-status.service';
import { UserRepository } from './user.repository';

/** users in memory; each read is counted and waits to be let go */
function service() {
  const users = new Map([['u1', { id: 'u1', role: 'user', blockedAt: null, deletedAt: null }]]);
  const reads: (() => void)[] = [];
  let count = 0;
  const repo = {
    statusOf: async (id: string) => {
      count++;
      await new Promise<void>((go) => reads.push(go));
      return { ...users.get(id) };
    },
  } as unknown as UserRepository;
  const cache = { shared: false } as CacheService;
  const tokens = { familiesRevokedSince: async () => [] } as unknown as RefreshTokenRepository;
  const config = { auth: { accessTtlSec: 900 } } as AppConfig;
  const release = async () => {
    while (reads.length) reads.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return {
    status: new UserStatusService(repo, cache, tokens, config),
    users,
    release,
    reads: () => count,
  };
}

describe('UserStatusService', () => {
  it('reads a user once for all the requests that miss at the same time', async () => {
    const s = service();
    const all = Promise.all(Array.from({ length: 100 }, () => s.status.of('u1')));
    await s.release();
    expect((await all).every((x) => x?.state === 'active')).toBe(true);
    expect(s.reads()).toBe(1);
    await s.status.of('u1'); // remembered
    expect(s.reads()).toBe(1);
  });

  it('does not keep a status read before a change', async () => {
    const s = service();
    const before = s.status.of('u1');
    s.users.get('u1')!.blockedAt = new Date() as never;
    await s.status.changed('u1');
    const after = s.status.of('u1');
    await s.release();
    await s.release();
    await before;
    expect((await after)?.state).toBe('blocked');
    expect(s.reads()).toBe(2);
    expect((await s.status.of('u1'))?.state).toBe('blocked');
  });
});
