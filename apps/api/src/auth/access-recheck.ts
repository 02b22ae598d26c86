import { Injectable } from '@nestjs/common';
import { UnauthorizedError } from '@app/domain';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { BearerAuthenticator } from './bearer-authenticator';

type Req = { headers: Record<string, string | string[] | undefined> };

/**
 * Whether the credentials a long request (an SSE stream) was let in with still hold: the
 * login not ended (logout), the account not blocked or deleted, the partner key not revoked.
 * The access guard decides once per request; a stream asks again as it goes.
 */
@Injectable()
export class AccessRecheck {
  constructor(
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly bearer: BearerAuthenticator,
  ) {}

  /** False once refused; a lookup that fails for another reason (the DB away) is not a refusal. */
  async stillHolds(req: Req): Promise<boolean> {
    try {
      if (req.headers['x-api-key'] !== undefined) await this.apiKeys.recheck(req);
      else await this.bearer.principal(req);
      return true;
    } catch (err) {
      if (err instanceof UnauthorizedError) return false;
      return true;
    }
  }
}
