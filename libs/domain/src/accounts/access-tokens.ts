import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import jwt, { JwtPayload } from 'jsonwebtoken';
import { AppConfig } from '../config/app-config';
import { JwtKeys } from '../config/auth-config';
import { UserRole } from '../entities/user.entity';
import { UnauthorizedError } from '../errors/domain-errors';

const ISSUER = 'castad';
export const ACCESS_AUDIENCE = 'castad-api';
const STATE_AUDIENCE = 'castad-login-state';
/** verified access tokens remembered per process (a client sends the same one for minutes) */
const VERIFIED_MAX = 10_000;

export interface AccessClaims {
  sub: string;
  role: UserRole;
  /** the refresh-token family this session belongs to (logout revokes it) */
  fam: string;
  /** expiry (seconds since the epoch), set on verified tokens */
  exp?: number;
}

/**
 * Signs and checks our JWTs. The algorithm is pinned on verify (no "none", no HS/RS
 * confusion), and the audience keeps an access token and a login state from standing in for
 * each other. Checking needs no DB: any API instance can serve any request.
 */
@Injectable()
export class AccessTokens {
  private readonly keys: JwtKeys;
  readonly ttlSec: number;
  /**
   * Key objects made once: handed a string, jsonwebtoken rebuilds a key on every call (and
   * for an HMAC secret first tries, and fails, to read it as a public key), which cost half
   * of an authenticated request's CPU.
   */
  private readonly signKey: KeyObject;
  private readonly verifyKey: KeyObject;
  /**
   * A token's signature and claims cannot change: once verified, its claims are kept until it
   * expires, so a request does not pay an HMAC/RSA check and two JSON parses again (the user's
   * current status is still checked on every request, by UserStatusService).
   */
  private readonly verified = new Map<string, AccessClaims & { exp: number }>();

  constructor(config: AppConfig) {
    this.keys = config.auth.jwt;
    this.ttlSec = config.auth.accessTtlSec;
    if (this.keys.algorithm === 'HS256') {
      this.signKey = this.verifyKey = createSecretKey(Buffer.from(this.keys.secret, 'utf8'));
    } else {
      this.signKey = createPrivateKey(this.keys.privateKey);
      this.verifyKey = createPublicKey(this.keys.publicKey);
    }
  }

  signAccess(claims: AccessClaims): string {
    return jwt.sign({ role: claims.role, fam: claims.fam, typ: 'access' }, this.signKey, {
      algorithm: this.keys.algorithm,
      subject: claims.sub,
      issuer: ISSUER,
      audience: ACCESS_AUDIENCE,
      expiresIn: this.ttlSec,
    });
  }

  verifyAccess(token: string): AccessClaims {
    const known = this.verified.get(token);
    if (known && known.exp * 1000 > Date.now()) return { ...known };
    const p = this.verify(token, ACCESS_AUDIENCE);
    if (p.typ !== 'access' || typeof p.sub !== 'string')
      throw new UnauthorizedError('not an access token');
    const claims = { sub: p.sub, role: p.role, fam: p.fam, exp: p.exp! };
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(token, claims);
    return { ...claims };
  }

  signState(payload: Record<string, unknown>, ttlSec: number): string {
    return jwt.sign(payload, this.signKey, {
      algorithm: this.keys.algorithm,
      issuer: ISSUER,
      audience: STATE_AUDIENCE,
      expiresIn: ttlSec,
    });
  }

  verifyState(token: string): JwtPayload {
    return this.verify(token, STATE_AUDIENCE);
  }

  private verify(token: string, audience: string): JwtPayload {
    try {
      const p = jwt.verify(token, this.verifyKey, {
        algorithms: [this.keys.algorithm],
        issuer: ISSUER,
        audience,
      });
      if (typeof p === 'string') throw new Error('unexpected payload');
      // every token we sign expires; one without `exp` (signed with a leaked secret, or by a
      // tool) would be good forever
      if (typeof p.exp !== 'number') throw new Error('no expiry');
      return p;
    } catch (err) {
      const reason = err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid';
      throw new UnauthorizedError(`token ${reason}`);
    }
  }
}
