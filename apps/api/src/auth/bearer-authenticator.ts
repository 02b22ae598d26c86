import { Injectable } from '@nestjs/common';
import {
  AccessClaims,
  AccessTokens,
  Principal,
  UnauthorizedError,
  UserStatusService,
} from '@app/domain';

const CLAIMS = Symbol('castad.bearerClaims');

type Req = {
  headers: Record<string, string | string[] | undefined>;
  [CLAIMS]?: AccessClaims | UnauthorizedError | null;
};

/**
 * Bearer access tokens, verified once per request (the rate limiter and the access guard
 * both need the user): signature with the pinned algorithm, issuer, audience, expiry; then
 * the user's current status, so a blocked or deleted user is refused and a role change
 * applies at once.
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly status: UserStatusService,
  ) {}

  /** The verified claims, null without a bearer token, or the reason it was refused. */
  claims(req: Req): AccessClaims | UnauthorizedError | null {
    if (CLAIMS in req) return req[CLAIMS]!;
    const auth = req.headers.authorization;
    let result: AccessClaims | UnauthorizedError | null = null;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) {
      try {
        result = this.tokens.verifyAccess(auth.slice(7).trim());
      } catch (err) {
        result = err instanceof UnauthorizedError ? err : new UnauthorizedError('token invalid');
      }
    }
    req[CLAIMS] = result;
    return result;
  }

  async principal(req: Req): Promise<Principal> {
    const c = this.claims(req);
    if (c === null)
      throw new UnauthorizedError('a bearer access token or an X-API-Key is required');
    if (c instanceof UnauthorizedError)
      throw new UnauthorizedError(`access token refused: ${c.message}`);
    if (c.role !== 'user' && c.role !== 'admin')
      throw new UnauthorizedError('access token refused: no role');
    const now = await this.status.of(c.sub);
    if (!now || now.state === 'deleted')
      throw new UnauthorizedError('access token refused: the account was deleted');
    if (now.state === 'blocked')
      throw new UnauthorizedError('access token refused: this account is blocked');
    if (now.revokedFamilies?.includes(c.fam))
      throw new UnauthorizedError(
        'access token refused: this login was ended (a logout, a block, or its refresh token used a second time), sign in again',
      );
    return { kind: 'user', userId: c.sub, role: now.role };
  }
}
