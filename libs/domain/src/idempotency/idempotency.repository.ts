import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, LessThan, LessThanOrEqual, MoreThan, Not } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { isDuplicateKey } from '../database/connection-errors';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';
import { ConflictError } from '../errors/domain-errors';
import { pickFreeSlot, takeQuotaPlace } from '../pipeline/quota-slots';
import { IdempotencyScope } from './idempotency-scope';

/** How long a key's outcome is kept and replayed */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * How long a running request holds its key unless it renews the hold (it does, every third of
 * this, while it runs). A request that created its thing recorded it with the key in the same
 * transaction, so an instance dying after that commit leaves the outcome; one that died before
 * committing stops renewing, and the client's retry takes the key over within this time.
 */
export const IDEMPOTENCY_LEASE_MS = 10_000;

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

/** A request asking for its key: who asks, with what, holding at most `limit` live keys. */
export interface KeyRequest {
  id: string;
  caller: string;
  requestHash: string;
  limit: number;
  /** the request's own token on the key */
  holder: string;
}

/**
 * Idempotency-Key records, on the primary: the key's row is inserted before the request does
 * anything (its primary key decides which of two concurrent requests is first, on any
 * instance; its place among the caller's numbered places bounds the caller's live keys),
 * completed with what the request created (in the creating transaction itself where the thing
 * is a new row), or removed when the request failed so it can be tried again.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async claim(input: KeyRequest, now = new Date()): Promise<IdempotencyClaim> {
    const found = await this.db.write((em) =>
      em.findOne(IdempotencyKeyEntity, { where: { id: input.id } }),
    );
    if (found && found.expiresAt > now) return answerOf(found, input.requestHash);
    const placed = await takeQuotaPlace(input.limit, {
      takeAt: (slot) => this.insertAt(input, slot, now),
      freeSlot: () => this.freeSlot(input.caller, input.limit, now),
    });
    if (placed.placed) return placed.value;
    return { kind: 'too_many', freesAt: await this.freesAt(input.caller, now) };
  }

  /**
   * The key's row in place `slot`: first. In the way may stand the key itself (another request
   * claimed it a moment ago: its answer; or its lapsed record, taken away) or the place's
   * holder (a lapsed key: taken away; a live one: the unique violation stands, another place).
   */
  private async insertAt(r: KeyRequest, slot: number, now: Date): Promise<IdempotencyClaim> {
    const row = { id: r.id, caller: r.caller, requestHash: r.requestHash, slot, holder: r.holder };
    for (let tries = 1; ; tries++) {
      try {
        await this.db.write((em) =>
          em.insert(IdempotencyKeyEntity, {
            ...row,
            statusCode: null,
            resourceKind: null,
            resourceIds: null,
            expiresAt: new Date(now.getTime() + IDEMPOTENCY_LEASE_MS),
          }),
        );
        return { kind: 'first' };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const inTheWay = await this.db.write((em) =>
          em.find(IdempotencyKeyEntity, { where: [{ id: r.id }, { caller: r.caller, slot }] }),
        );
        const same = inTheWay.find((x) => x.id === r.id && x.expiresAt > now);
        if (same) return answerOf(same, r.requestHash);
        const lapsed = inTheWay.filter((x) => x.expiresAt <= now).map((x) => x.id);
        if (lapsed.length === 0 || tries >= 3) throw err;
        await this.db.write((em) =>
          em.delete(IdempotencyKeyEntity, { id: In(lapsed), expiresAt: LessThanOrEqual(now) }),
        );
      }
    }
  }

  /** A place none of the caller's live keys holds, or null when all `limit` are held. */
  private async freeSlot(caller: string, limit: number, now: Date): Promise<number | null> {
    const live = await this.db.write((em) =>
      em.find(IdempotencyKeyEntity, {
        select: { id: true, slot: true },
        where: { caller, expiresAt: MoreThan(now), slot: Not(IsNull()) },
      }),
    );
    return pickFreeSlot(
      live.map((k) => Number(k.slot)),
      limit,
    );
  }

  /** When the caller's oldest live key expires. */
  private async freesAt(caller: string, now: Date): Promise<Date> {
    const oldest = await this.db.write((em) =>
      em.findOne(IdempotencyKeyEntity, {
        select: { id: true, expiresAt: true },
        where: { caller, expiresAt: MoreThan(now) },
        order: { expiresAt: 'ASC' },
      }),
    );
    return oldest?.expiresAt ?? now;
  }

  /**
   * The running request's hold on its key, renewed (once its outcome is recorded, the key is
   * kept for the outcome's time instead): false when it is no longer its own (the hold lapsed
   * and a retry took the key over).
   */
  async renew(id: string, holder: string, now = new Date()): Promise<boolean> {
    const r = await this.db.write((em) =>
      em.update(
        IdempotencyKeyEntity,
        { id, holder, statusCode: IsNull() },
        { expiresAt: new Date(now.getTime() + IDEMPOTENCY_LEASE_MS) },
      ),
    );
    if ((r.affected ?? 0) === 1) return true;
    return this.db.write((em) => em.exists(IdempotencyKeyEntity, { where: { id, holder } }));
  }

  /**
   * The request succeeded: its outcome, unless its creating transaction recorded one already
   * (an action on a project has no such transaction).
   */
  async complete(id: string, holder: string, answer: IdempotentOutcome): Promise<void> {
    await this.db.write((em) =>
      em.update(IdempotencyKeyEntity, { id, holder, statusCode: IsNull() }, outcome(answer)),
    );
  }

  /**
   * The request failed: the key is free again, unless what it created was committed (and
   * recorded) before the failure: the key stays with that.
   */
  async release(id: string, holder: string): Promise<void> {
    await this.db.write((em) =>
      em.delete(IdempotencyKeyEntity, { id, holder, statusCode: IsNull() }),
    );
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
 * The first thing recorded is the outcome (a transaction run again records it again). A request
 * whose key a retry took over (its lease lapsed while it was held up) records nothing and its
 * transaction is rolled back: the retry creates the thing, never both.
 */
export async function recordCreated(em: EntityManager, kind: string, ids: string[]): Promise<void> {
  const key = IdempotencyScope.current();
  if (!key) return;
  const r = await em.update(
    IdempotencyKeyEntity,
    { id: key.id, holder: key.holder, statusCode: IsNull() },
    outcome({ statusCode: key.statusCode, resource: { kind, ids } }),
  );
  if ((r.affected ?? 0) === 1) return;
  const mine = await em.findOne(IdempotencyKeyEntity, {
    select: { id: true },
    where: { id: key.id, holder: key.holder },
  });
  if (!mine)
    throw new ConflictError(
      'this request was held up past its hold on the Idempotency-Key, and a retry with the key took it over: the retry’s answer stands',
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
