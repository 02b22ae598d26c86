import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { isDuplicateKey } from '../database/connection-errors';
import { IdempotencyKeyEntity } from '../entities/idempotency-key.entity';

/** How long a key's first response is kept and replayed */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * How long a request still running holds its key: one that died with its instance (no answer,
 * no release) frees the key after this, so the client's retry goes through.
 */
export const IDEMPOTENCY_LOCK_MS = 2 * 60_000;

export type IdempotencyClaim =
  | { kind: 'first' }
  | { kind: 'replay'; statusCode: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/**
 * Idempotency-Key records, on the primary: the key's row is inserted before the request does
 * anything (its primary key decides which of two concurrent requests is first, on any
 * instance), completed with the response, or removed when the request failed so it can be
 * tried again.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async claim(id: string, requestHash: string, now = new Date()): Promise<IdempotencyClaim> {
    return this.db.transaction(async (em) => {
      const found = await em.findOne(IdempotencyKeyEntity, { where: { id } });
      if (found && found.expiresAt > now) {
        if (found.requestHash !== requestHash) return { kind: 'mismatch' };
        if (found.statusCode === null) return { kind: 'in_progress' };
        return {
          kind: 'replay',
          statusCode: found.statusCode,
          body: found.responseBody === null ? undefined : JSON.parse(found.responseBody),
        };
      }
      if (found) await em.delete(IdempotencyKeyEntity, { id });
      try {
        await em.insert(IdempotencyKeyEntity, {
          id,
          requestHash,
          statusCode: null,
          responseBody: null,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_LOCK_MS),
        });
      } catch (err) {
        if (isDuplicateKey(err)) return { kind: 'in_progress' }; // another instance inserted it a moment ago
        throw err;
      }
      return { kind: 'first' };
    });
  }

  async complete(id: string, statusCode: number, body: unknown, now = new Date()): Promise<void> {
    const responseBody = body === undefined ? null : JSON.stringify(body);
    const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_MS);
    await this.db.write((em) =>
      em.update(IdempotencyKeyEntity, { id }, { statusCode, responseBody, expiresAt }),
    );
  }

  async release(id: string): Promise<void> {
    await this.db.write((em) => em.delete(IdempotencyKeyEntity, { id }));
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
