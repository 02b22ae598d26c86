import { Injectable } from '@nestjs/common';
import { ApiKeyStanding, Principal, UnauthorizedError } from '@app/domain';
import { BearerAuthenticator } from './bearer-authenticator';

type Req = { headers: Record<string, string | string[] | undefined>; user?: Principal };

/**
 * Whether the credentials a long request (an SSE stream) was let in with still hold: the
 * login not ended (logout), the account not blocked or deleted, the partner key not revoked.
 * The access guard decides once per request; a stream asks again as it goes, from what is kept
 * of both (UserStatusService, ApiKeyStanding), not from the primary on every beat.
 */
@Injectable()
export class AccessRecheck {
  constructor(
    private readonly keys: ApiKeyStanding,
    private readonly bearer: BearerAuthenticator,
  ) {}

  /** False once refused; a lookup that fails for another reason (the DB away) is not a refusal. */
  async stillHolds(req: Req): Promise<boolean> {
    try {
      // both kept for a moment (a user's status, a key's standing) and dropped on the change
      if (req.user?.kind === 'partner') return await this.keys.stands(req.user.keyId);
      await this.bearer.principal(req);
      return true;
    } catch (err) {
      if (err instanceof UnauthorizedError) return false;
      return true;
    }
  }
}
