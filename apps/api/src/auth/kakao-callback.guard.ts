import { ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
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
  private readonly logger = new Logger(KakaoCallbackGuard.name);

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
    if (req.query.error) {
      // Kakao's own text stays in our log; the owner reads our words
      this.logger.warn(
        `Kakao login ended with ${req.query.error}: ${req.query.error_description ?? ''}`,
      );
      throw new UnauthorizedError(
        req.query.error === 'access_denied'
          ? 'the Kakao login was cancelled'
          : 'the Kakao login did not complete: start the Kakao login again',
      );
    }
    if (!req.query.code) throw new InvalidInputError('code missing from the Kakao callback');
    return (await super.canActivate(ctx)) as boolean;
  }

  override getAuthenticateOptions() {
    return { session: false };
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err || !user) {
      const e = err as
        { message?: string; oauthError?: { statusCode?: number; data?: unknown } } | undefined;
      const status = e?.oauthError?.statusCode;
      if (status && status >= 500)
        throw new ProviderUnavailableError('kakao', `Kakao answered ${status}`);
      // Kakao's answer (error_code KOE320 and its English text) is for our log, not the owner
      this.logger.warn(
        `Kakao refused the login (${status ?? 'no status'}): ${e?.message ?? ''} ${String(e?.oauthError?.data ?? '')}`,
      );
      throw new UnauthorizedError(
        'Kakao did not accept this login (the link expired or was used already): start the Kakao login again',
      );
    }
    return user;
  }
}
