import { Entity, Index } from 'typeorm';
import { Int, Str, Text, Time } from './columns';

/**
 * A POST made with an Idempotency-Key: the first request's fingerprint and, once it succeeded,
 * its response, so a client's retry (after a 502 from a dying instance, say) gets that response
 * again instead of creating a second thing. Kept 24 hours.
 */
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** sha256 of (caller, route, key): one caller's key never meets another's */
  @Str(64, { primary: true }) id: string;
  /** sha256 of the request body and path: the same key with another body is refused */
  @Str(64) requestHash: string;
  /** null while the first request is still running */
  @Int({ nullable: true }) statusCode: number | null;
  @Text({ nullable: true }) responseBody: string | null;
  @Time() expiresAt: Date;
}
