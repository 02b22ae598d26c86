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
import { BearerAuthenticator } from '../auth/bearer-authenticator';

/**
 * Who a limit counts for: the signed-in user (a valid access token), the partner key, or
 * else the client address (Fastify's request.ip, which trusts X-Forwarded-For only from the
 * configured proxies).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly bearer: BearerAuthenticator,
  ) {
    super(options, storage, reflector);
    // the IETF draft's header names (RateLimit-Limit, -Remaining, -Reset), not the X- ones
    this.headerPrefix = 'RateLimit';
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    // verified once per request, shared with the access guard; an invalid token counts by address
    const claims = req.headers ? this.bearer.claims(req as never) : null;
    if (claims && !(claims instanceof Error)) return `user:${(claims as AccessClaims).sub}`;
    const key: string | undefined = req.headers?.['x-api-key'];
    if (key && /^cak_[A-Za-z0-9]{12}_/.test(key)) return `key:${key.slice(4, 16)}`;
    return `ip:${req.ip}`;
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    const url: string = ctx.switchToHttp().getRequest().url ?? '';
    // health checks and provider callbacks are never limited, nor signed file downloads (a
    // video player sends many range requests; each URL is signed and expires)
    return (
      url.startsWith('/health') || url.startsWith('/v1/webhooks/') || url.startsWith('/v1/files/')
    );
  }
}
