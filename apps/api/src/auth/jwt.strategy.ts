import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokens, Principal, UnauthorizedError, UserRole, UserStatusService } from '@app/domain';

/**
 * Bearer access tokens: signature with the pinned algorithm, issuer, audience and expiry
 * (passport-jwt over jsonwebtoken), then the user's current status, so a blocked or
 * deleted user is refused at once and a role change applies to the next request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    tokens: AccessTokens,
    private readonly status: UserStatusService,
  ) {
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

  async validate(payload: { sub?: string; role?: UserRole; typ?: string }): Promise<Principal | false> {
    if (
      payload.typ !== 'access' ||
      !payload.sub ||
      (payload.role !== 'user' && payload.role !== 'admin')
    )
      return false;
    const now = await this.status.of(payload.sub);
    if (!now || now.state === 'deleted') throw new UnauthorizedError('access token refused: the account was deleted');
    if (now.state === 'blocked') throw new UnauthorizedError('access token refused: this account is blocked');
    return { kind: 'user', userId: payload.sub, role: now.role };
  }
}
