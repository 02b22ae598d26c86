import { hash } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { AccessClaims } from '@app/domain';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { BearerAuthenticator } from '../auth/bearer-authenticator';

/**
 * Who a limit counts for: the signed-in user (a valid access token), the partner key (a
 * verified one), or else the client address (Fastify's request.ip, which trusts X-Forwarded-For only from the
 * configured proxies).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly bearer: BearerAuthenticator,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {
    super(options, storage, reflector);
    // the IETF draft's header names (RateLimit-Limit, -Remaining, -Reset), not the X- ones
    this.headerPrefix = 'RateLimit';
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    // verified once per request, shared with the access guard; an invalid token counts by address
    const claims = req.headers ? this.bearer.claims(req as never) : null;
    if (claims && !(claims instanceof Error)) return `user:${(claims as AccessClaims).sub}`;
    // a key counts for itself only once verified: a made-up one counts by address
    const key = req.headers ? await this.apiKeys.verify(req as never) : null;
    if (key && !(key instanceof Error) && key.kind === 'partner') return `key:${key.keyId}`;
    return `ip:${req.ip}`;
  }

  /** The throttler's own key (the same digest), with Node's one-shot hash rather than a Hash object per request. */
  protected override generateKey(ctx: ExecutionContext, suffix: string, name: string): string {
    return hash('sha256', `${ctx.getClass().name}-${ctx.getHandler().name}-${name}-${suffix}`);
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return !isRateLimited(ctx.switchToHttp().getRequest().url ?? '');
  }
}

/**
 * Whether requests to a path count against the rate limit (the OpenAPI document says 429 where
 * they do): health checks and provider callbacks never, nor signed file downloads (a video
 * player sends many range requests; each URL is signed and expires).
 */
export function isRateLimited(path: string): boolean {
  return !['/health', '/v1/webhooks/', '/v1/files/'].some((prefix) => path.startsWith(prefix));
}
