import { Entity, Index } from 'typeorm';
import { Str, Time } from './columns';

/** Login state nonces already used: a replayed OAuth state is refused on every instance. */
@Entity('auth_nonces')
@Index('ix_auth_nonces_expires', ['expiresAt'])
export class AuthNonceEntity {
  @Str(64, { primary: true }) nonce: string;
  @Time() expiresAt: Date;
}
