import type { EntityManager } from 'typeorm';
import type { DatabaseRouter } from '../database/database-router';
import { IdempotencyScope } from './idempotency-scope';
import { writeCreating } from './idempotency.repository';

/** A router that says how it was asked to run the writes. */
function recordingRouter() {
  const asked: string[] = [];
  const run = (how: string) => (fn: (em: EntityManager) => Promise<unknown>) => {
    asked.push(how);
    return fn({} as EntityManager);
  };
  return { asked, db: { write: run('write'), transaction: run('transaction') } };
}

describe('writes that create the request’s thing in one statement', () => {
  it('run as they are without an Idempotency-Key: one round trip, no BEGIN and COMMIT', async () => {
    const { asked, db } = recordingRouter();
    await expect(writeCreating(db as unknown as DatabaseRouter, async () => 'made')).resolves.toBe(
      'made',
    );
    expect(asked).toEqual(['write']);
  });

  it('run in a transaction when the request holds a key, which is completed with them', async () => {
    const { asked, db } = recordingRouter();
    await IdempotencyScope.run({ id: 'k1', holder: 'h1', statusCode: 201 }, () =>
      writeCreating(db as unknown as DatabaseRouter, async () => 'made'),
    );
    expect(asked).toEqual(['transaction']);
  });
});
