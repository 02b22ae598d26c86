import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokens, Principal, UserRole } from '@app/domain';

/**
 * Bearer access tokens, checked without a DB hit: signature with the pinned algorithm,
 * issuer, audience and expiry (passport-jwt over jsonwebtoken).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(tokens: AccessTokens) {
    const v = tokens.verification;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // a key object: typings say string | Buffer, jsonwebtoken takes a KeyObject (and is faster with it)
      secretOrKey: v.key as unknown as string,
      algorithms: v.algorithms,
      issuer: v.issuer,
      audience: v.audience,
      ignoreExpiration: false,
    });
  }

  validate(payload: { sub?: string; role?: UserRole; typ?: string }): Principal | false {
    if (
      payload.typ !== 'access' ||
      !payload.sub ||
      (payload.role !== 'user' && payload.role !== 'admin')
    )
      return false;
    return { kind: 'user', userId: payload.sub, role: payload.role };
  }
}
