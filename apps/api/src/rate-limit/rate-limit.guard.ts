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

/** how many rate-limit keys' digests are kept (a few MB at most) */
const KEYS_KEPT = 10_000;

/**
 * The throttler's route metadata (per-route limits, skips, trackers) looked up once per route
 * and key: it is fixed once the app is built, and the guard asked reflect-metadata for five
 * keys on two targets on every request (~1% of a read's CPU).
 */
function routeMetadataOnce(reflector: Reflector): Reflector {
  const found = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();
  const once = Object.create(reflector) as Reflector;
  once.getAllAndOverride = ((key: unknown, targets: Parameters<Reflector['get']>[1][]) => {
    const [handler, classRef] = targets;
    if (targets.length !== 2 || !handler || !classRef)
      return reflector.getAllAndOverride(key, targets);
    let byClass = found.get(handler);
    if (!byClass) found.set(handler, (byClass = new WeakMap()));
    let byKey = byClass.get(classRef);
    if (!byKey) byClass.set(classRef, (byKey = new Map()));
    if (!byKey.has(key)) byKey.set(key, reflector.getAllAndOverride(key, targets));
    return byKey.get(key);
  }) as Reflector['getAllAndOverride'];
  return once;
}

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
    super(options, storage, routeMetadataOnce(reflector));
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

  /** digests of recent keys' names (see generateKey) */
  private readonly keys = new Map<string, string>();

  /**
   * The throttler's own key (the same digest), with Node's one-shot hash, once per route and
   * tracker while they stay among the last KEYS_KEPT: a client's requests reuse it.
   */
  protected override generateKey(ctx: ExecutionContext, suffix: string, name: string): string {
    const named = `${ctx.getClass().name}-${ctx.getHandler().name}-${name}-${suffix}`;
    let key = this.keys.get(named);
    if (key === undefined) {
      if (this.keys.size >= KEYS_KEPT) this.keys.clear();
      key = hash('sha256', named);
      this.keys.set(named, key);
    }
    return key;
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
