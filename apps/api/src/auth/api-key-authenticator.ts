import { Injectable } from '@nestjs/common';
import { ApiKeyService, Principal, UnauthorizedError } from '@app/domain';

const VERIFIED = Symbol('castad.apiKeyPrincipal');

type Req = {
  headers: Record<string, string | string[] | undefined>;
  [VERIFIED]?: Promise<Principal | UnauthorizedError | null>;
};

/**
 * Partner API keys, verified once per request: the rate limiter must count a request by the
 * key only once the key is known to be real (a made-up key would otherwise get a fresh bucket
 * each time), and the access guard then reuses the same answer instead of a second lookup.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(private readonly apiKeys: ApiKeyService) {}

  /** The key's principal, null without an X-API-Key header, or the reason it was refused. */
  verify(req: Req): Promise<Principal | UnauthorizedError | null> {
    req[VERIFIED] ??= this.check(req.headers['x-api-key']);
    return req[VERIFIED];
  }

  async principal(req: Req): Promise<Principal> {
    const result = await this.verify(req);
    if (result === null) throw new UnauthorizedError('an X-API-Key is required');
    if (result instanceof UnauthorizedError) throw result;
    return result;
  }

  private async check(presented: string | string[] | undefined) {
    if (presented === undefined) return null;
    if (typeof presented !== 'string') return new UnauthorizedError('one X-API-Key, not several');
    try {
      return await this.apiKeys.authenticate(presented);
    } catch (err) {
      if (err instanceof UnauthorizedError) return err;
      throw err;
    }
  }
}
