import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, LessThan, MoreThan } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { isDuplicateKey } from '../database/connection-errors';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';
import { IdempotencyScope } from './idempotency-scope';

/** How long a key's outcome is kept and replayed */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * How long a request still running holds its key. A request that created its thing recorded
 * it with the key in the same transaction, so an instance dying after that commit leaves the
 * outcome; one that died before committing (no answer, no release) frees the key after this,
 * so the client's retry goes through.
 */
export const IDEMPOTENCY_LOCK_MS = 2 * 60_000;

/** What a request made with a key created (or answered with): a replay shows it as it is now. */
export interface IdempotentOutcome {
  statusCode: number;
  resource: { kind: string; ids: string[] };
}

export type IdempotencyClaim =
  | { kind: 'first' }
  | ({ kind: 'replay' } & IdempotentOutcome)
  | { kind: 'in_progress' }
  | { kind: 'mismatch' }
  /** the caller holds `limit` live keys already; the oldest expires at `freesAt` */
  | { kind: 'too_many'; freesAt: Date };

/**
 * Idempotency-Key records, on the primary: the key's row is inserted before the request does
 * anything (its primary key decides which of two concurrent requests is first, on any
 * instance), completed with what the request created (in the creating transaction itself
 * where the thing is a new row), or removed when the request failed so it can be tried again.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: DatabaseRouter) {}

  /** `limit`: how many live keys one caller may hold; a new key beyond it is refused */
  async claim(
    input: { id: string; caller: string; requestHash: string; limit: number },
    now = new Date(),
  ): Promise<IdempotencyClaim> {
    const { id, caller, requestHash } = input;
    return this.db.transaction(async (em) => {
      const found = await em.findOne(IdempotencyKeyEntity, { where: { id } });
      if (found && found.expiresAt > now) return answerOf(found, requestHash);
      const full = await this.fullUntil(em, caller, input.limit, now);
      if (full) return { kind: 'too_many', freesAt: full };
      if (found) await em.delete(IdempotencyKeyEntity, { id });
      try {
        await em.insert(IdempotencyKeyEntity, {
          id,
          caller,
          requestHash,
          statusCode: null,
          resourceKind: null,
          resourceIds: null,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_LOCK_MS),
        });
      } catch (err) {
        if (isDuplicateKey(err)) return { kind: 'in_progress' }; // another instance inserted it a moment ago
        throw err;
      }
      return { kind: 'first' };
    });
  }

  /** When the caller's oldest live key expires, if the caller holds `limit` of them already. */
  private async fullUntil(
    em: EntityManager,
    caller: string,
    limit: number,
    now: Date,
  ): Promise<Date | null> {
    const live = await em.find(IdempotencyKeyEntity, {
      select: { id: true, expiresAt: true },
      where: { caller, expiresAt: MoreThan(now) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
    return live.length >= limit ? live[0].expiresAt : null;
  }

  /**
   * The request succeeded: its outcome, unless its creating transaction recorded one already
   * (an action on a project has no such transaction).
   */
  async complete(id: string, answer: IdempotentOutcome): Promise<void> {
    await this.db.write((em) =>
      em.update(IdempotencyKeyEntity, { id, statusCode: IsNull() }, outcome(answer)),
    );
  }

  /**
   * The request failed: the key is free again, unless what it created was committed (and
   * recorded) before the failure: the key stays with that.
   */
  async release(id: string): Promise<void> {
    await this.db.write((em) => em.delete(IdempotencyKeyEntity, { id, statusCode: IsNull() }));
  }

  async deleteExpired(now = new Date()): Promise<number> {
    // READ COMMITTED: only the expired rows are locked, no gap a new key goes into
    const r = await this.db.transaction(
      (em) => em.delete(IdempotencyKeyEntity, { expiresAt: LessThan(now) }),
      { readCommitted: true },
    );
    return r.affected ?? 0;
  }
}

/**
 * Runs a repository's writes that create the request's thing in ONE statement: in a transaction
 * when the request holds an Idempotency-Key (the key is completed with it, see recordCreated),
 * else as it is — one statement is atomic by itself, and BEGIN and COMMIT around it were two
 * round trips of three.
 */
export function writeCreating<T>(
  db: DatabaseRouter,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return IdempotencyScope.current() ? db.transaction(fn) : db.write(fn);
}

/**
 * Called by a repository inside the transaction that creates the request's thing: when the
 * request holds an Idempotency-Key (IdempotencyScope), the key is completed with the thing's
 * kind and ids in that same transaction, so the outcome commits with the row or not at all.
 * The first thing recorded is the outcome (a transaction run again records it again).
 */
export async function recordCreated(em: EntityManager, kind: string, ids: string[]): Promise<void> {
  const key = IdempotencyScope.current();
  if (!key) return;
  await em.update(
    IdempotencyKeyEntity,
    { id: key.id, statusCode: IsNull() },
    outcome({ statusCode: key.statusCode, resource: { kind, ids } }),
  );
}

function answerOf(found: IdempotencyKeyEntity, requestHash: string): IdempotencyClaim {
  if (found.requestHash !== requestHash) return { kind: 'mismatch' };
  if (found.statusCode === null || found.resourceKind === null) return { kind: 'in_progress' };
  return {
    kind: 'replay',
    statusCode: found.statusCode,
    resource: { kind: found.resourceKind, ids: found.resourceIds ?? [] },
  };
}

function outcome(answer: IdempotentOutcome, now = new Date()): Partial<IdempotencyKeyEntity> {
  return {
    statusCode: answer.statusCode,
    resourceKind: answer.resource.kind,
    resourceIds: answer.resource.ids,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
  };
}
