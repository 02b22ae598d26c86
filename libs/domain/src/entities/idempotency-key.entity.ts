import { Entity, Index } from 'typeorm';
import { Int, Json, Str, Time } from './columns';

/**
 * A POST made with an Idempotency-Key: the first request's fingerprint and, once it succeeded,
 * what it created (kind and ids), so a client's retry (after a 502 from a dying instance, say)
 * gets that thing as it is now instead of creating a second one. No answer is stored: a replay
 * is rebuilt from the ids (fresh signed links; 410 when the thing is gone). Kept 24 hours.
 */
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_expires', ['expiresAt'])
@Index('ix_idempotency_keys_caller', ['caller', 'expiresAt'])
@Index('ux_idempotency_keys_place', ['caller', 'slot'], { unique: true })
export class IdempotencyKeyEntity {
  /** sha256 of (caller, route, key): one caller's key never meets another's */
  @Str(64, { primary: true }) id: string;
  /** who used the key (`user:<id>`, `partner:<id>`, `anonymous`): live keys are bounded per caller */
  @Str(80, { default: '' }) caller: string;
  /**
   * which of its caller's IDEMPOTENCY_KEYS_PER_CALLER places the key holds (unique per caller):
   * the INSERT that takes it is the bound's check, so concurrent requests cannot pass it
   */
  @Int({ nullable: true }) slot: number | null;
  /**
   * the request running under the key (a token of its own): only it renews its lease, records
   * the outcome or frees the key; a retry that took over a lapsed lease holds it instead
   */
  @Str(36, { nullable: true }) holder: string | null;
  /** sha256 of the request body and path: the same key with another body is refused */
  @Str(64) requestHash: string;
  /** null while the first request is still running */
  @Int({ nullable: true }) statusCode: number | null;
  /** what the first request created or answered with ('store', 'photo', 'project', 'publication') */
  @Str(16, { nullable: true }) resourceKind: string | null;
  /** its ids (one, or one per publication) */
  @Json({ nullable: true }) resourceIds: string[] | null;
  @Time() expiresAt: Date;
}
