import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiScope, Principal, UserRole } from '@app/domain';

export const PUBLIC = 'castad:public';
/** marks a public operation in the OpenAPI document until openapi.ts turns it into `security: []` */
export const PUBLIC_EXTENSION = 'x-castad-public';
export const ROLES = 'castad:roles';
export const SCOPES = 'castad:scopes';
export const SCOPES_PER_CALL = 'castad:scopes-per-call';

/**
 * No credential needed (login, health, webhooks with their own token); the OpenAPI document
 * says so too (`security: []`, see openapi.ts).
 */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));

/** Only users with this role: admin routes. Partner keys never pass. */
export const Roles = (...roles: 'admin'[]) => SetMetadata(ROLES, roles);

/**
 * A partner key may call this route when it holds every scope listed; routes without
 * @Scopes are for signed-in users only.
 */
export const Scopes = (...scopes: ApiScope[]) => SetMetadata(SCOPES, scopes);

/**
 * One route carrying many operations (the MCP endpoint): any valid credential gets in, and
 * each operation is then held to its own scopes by AccessGuard.assertAllowed, the same rule.
 */
export const ScopesPerCall = () => SetMetadata(SCOPES_PER_CALL, true);

/** What an operation needs: a role (admin routes), or the scopes a partner key must hold. */
export interface AccessNeed {
  roles?: UserRole[];
  /** none: for signed-in users only, never a partner key */
  scopes?: ApiScope[];
}

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().user,
);

/** The signed-in user's id, for user-only routes (the guard has already refused anyone else). */
export const CurrentUserId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const p = ctx.switchToHttp().getRequest().user as Principal;
  return p.kind === 'user' ? p.userId : '';
});
