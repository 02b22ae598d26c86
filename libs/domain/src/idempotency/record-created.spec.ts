import { EntityManager, IsNull } from 'typeorm';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';
import { ConflictError } from '../errors/domain-errors';
import { recordCreated } from './idempotency.repository';
import { IdempotencyScope } from './idempotency-scope';

/** The transaction's manager, keeping the updates it was asked for; `held`: the key is ours. */
function managerDouble(held = true) {
  const updates: unknown[][] = [];
  const em = {
    update: async (...args: unknown[]) => {
      updates.push(args);
      return { affected: held ? 1 : 0 };
    },
    findOne: async () => null,
  } as unknown as EntityManager;
  return { em, updates };
}

describe('recordCreated', () => {
  it('completes the open key, in the creating transaction, with what was created', async () => {
    const { em, updates } = managerDouble();
    await IdempotencyScope.run({ id: 'key-1', holder: 'h-1', statusCode: 202 }, () =>
      recordCreated(em, 'project', ['p1']),
    );
    expect(updates).toHaveLength(1);
    const [entity, where, set] = updates[0] as [unknown, object, Record<string, unknown>];
    expect(entity).toBe(IdempotencyKeyEntity);
    // only a key still in progress: the first thing recorded stays the outcome
    expect(where).toEqual({ id: 'key-1', holder: 'h-1', statusCode: IsNull() });
    expect(set).toMatchObject({ statusCode: 202, resourceKind: 'project', resourceIds: ['p1'] });
    expect((set.expiresAt as Date).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('writes nothing outside a request with a key (the scheduler, a request without one)', async () => {
    const { em, updates } = managerDouble();
    await recordCreated(em, 'store', ['s1']);
    expect(updates).toEqual([]);
  });

  it('refuses to record, rolling the creation back, once a retry took the key over', async () => {
    const { em } = managerDouble(false);
    const recording = IdempotencyScope.run({ id: 'key-1', holder: 'h-1', statusCode: 201 }, () =>
      recordCreated(em, 'store', ['s1']),
    );
    await expect(recording).rejects.toBeInstanceOf(ConflictError);
    await expect(recording).rejects.toThrow(/a retry with the key took it over/);
  });
});
