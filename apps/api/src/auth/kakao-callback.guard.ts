import { ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { InvalidInputError, LoginStateService, UnauthorizedError } from '@app/domain';
import { ProviderUnavailableError } from '@app/integrations';
import { KakaoStrategy } from './kakao.strategy';
import { parse as parseCookie } from 'cookie';
import { LOGIN_COOKIE } from './login-cookie';

interface CallbackRequest {
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  returnTo?: string;
}

/**
 * Kakao's redirect back to us. Our state is checked (signed, fresh, first use, and started in
 * this browser: the login cookie) before
 * passport-kakao exchanges the code, so a forged or replayed callback never reaches Kakao.
 */
@Injectable()
export class KakaoCallbackGuard extends AuthGuard('kakao') {
  constructor(
    private readonly state: LoginStateService,
    @Optional() @Inject(KakaoStrategy) private readonly strategy?: KakaoStrategy | null,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (!this.strategy)
      throw new ProviderUnavailableError(
        'kakao',
        'Kakao login is not configured (KAKAO_CLIENT_ID)',
      );
    const req = ctx.switchToHttp().getRequest<CallbackRequest>();
    req.returnTo = await this.state.consumeLogin(
      req.query.state,
      parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE],
    );
    if (req.query.error)
      throw new UnauthorizedError(
        `Kakao login did not complete: ${req.query.error_description ?? req.query.error}`,
      );
    if (!req.query.code) throw new InvalidInputError('code missing from the Kakao callback');
    return (await super.canActivate(ctx)) as boolean;
  }

  override getAuthenticateOptions() {
    return { session: false };
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) {
      const e = err as
        { message?: string; code?: string; oauthError?: { statusCode?: number } } | undefined;
      const status = e?.oauthError?.statusCode;
      if (status && status >= 500)
        throw new ProviderUnavailableError('kakao', `Kakao answered ${status}`);
      throw new UnauthorizedError(`Kakao refused the login${e?.message ? `: ${e.message}` : ''}`);
    }
    return user;
  }
}
