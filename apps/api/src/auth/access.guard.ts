import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, Principal } from '@app/domain';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { BearerAuthenticator } from './bearer-authenticator';
import { AccessNeed, PUBLIC, ROLES, SCOPES, SCOPES_PER_CALL } from './decorators';
import { refuseQueryCredentials } from './query-credentials';

/**
 * The global guard: every route needs a bearer token or a partner API key unless @Public.
 * Then @Roles (admin) and @Scopes (partner keys) are enforced; a partner key is refused on
 * routes that declare no scope. A @ScopesPerCall route (MCP) checks each operation it carries
 * with assertAllowed, the same rule.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly bearer: BearerAuthenticator,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    refuseQueryCredentials(ctx.switchToHttp().getRequest<{ query?: unknown }>().query);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; user?: Principal }>();
    req.user =
      req.headers['x-api-key'] !== undefined
        ? await this.apiKeys.principal(req)
        : await this.bearer.principal(req);
    if (this.reflector.getAllAndOverride<boolean>(SCOPES_PER_CALL, targets)) return true;
    this.assertAllowed(req.user, {
      roles: this.reflector.getAllAndOverride<AccessNeed['roles']>(ROLES, targets),
      scopes: this.reflector.getAllAndOverride<AccessNeed['scopes']>(SCOPES, targets),
    });
    return true;
  }

  /** Refuses (403) a principal without the role or, for a partner key, the scopes needed. */
  assertAllowed(p: Principal, { roles, scopes }: AccessNeed): void {
    if (roles?.length) {
      if (p.kind !== 'user' || !roles.includes(p.role))
        throw new ForbiddenError(`this route needs the ${roles.join(' or ')} role`);
      return;
    }
    if (p.kind === 'partner') {
      if (!scopes?.length)
        throw new ForbiddenError('this route is for signed-in users, not API keys');
      const missing = scopes.filter((s) => !p.scopes.includes(s));
      if (missing.length)
        throw new ForbiddenError(`this API key lacks the scope ${missing.join(', ')}`);
    }
  }
}
