import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InvalidInputError, UnauthorizedError } from '../errors/domain-errors';
import { AccessTokens } from './access-tokens';
import { AuthNonceRepository } from './auth-nonce.repository';

/**
 * The OAuth `state` without a server session: a short-lived token we signed, carrying a
 * nonce and the allow-listed front-end to return to. Its nonce can be used once, on any
 * instance (the DB remembers used nonces until they expire).
 */
@Injectable()
export class LoginStateService {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: AccessTokens,
    private readonly nonces: AuthNonceRepository,
  ) {}

  /**
   * A web login's state, bound to the browser that starts it: the caller sets `browserKey` in an
   * HttpOnly cookie, and the callback must bring the same cookie back. Without this, someone
   * could send a victim a callback URL carrying the attacker's own login (login CSRF).
   */
  issueLogin(returnTo?: string): { state: string; browserKey: string } {
    const browserKey = randomBytes(24).toString('base64url');
    return { state: this.issueFor('login', '', returnTo, browserKey), browserKey };
  }

  /** The front-end to return to (or undefined for a JSON answer); refuses bad, replayed or foreign states. */
  async consumeLogin(
    state: string | undefined,
    browserKey: string | undefined,
  ): Promise<string | undefined> {
    return (await this.consumeFor(state, 'login', browserKey)).returnTo;
  }

  /**
   * A state bound to a purpose and a subject (connecting a social account binds the user
   * who started it: a callback can only attach the account to that user).
   */
  issueFor(purpose: string, subject: string, returnTo?: string, browserKey?: string): string {
    if (returnTo !== undefined && !this.allowed(returnTo)) {
      throw new InvalidInputError(
        'redirect is not an allowed front-end URL (AUTH_FRONTEND_REDIRECTS)',
      );
    }
    return this.tokens.signState(
      {
        n: randomUUID(),
        p: purpose,
        ...(subject ? { s: subject } : {}),
        ...(returnTo ? { r: returnTo } : {}),
        ...(browserKey ? { b: digest(browserKey) } : {}),
      },
      this.config.auth.stateTtlSec,
    );
  }

  async consumeFor(
    state: string | undefined,
    purpose: string,
    browserKey?: string,
  ): Promise<{ subject: string; returnTo?: string }> {
    if (!state) throw new UnauthorizedError('login state missing');
    let payload;
    try {
      payload = this.tokens.verifyState(state);
    } catch {
      throw new UnauthorizedError('login state invalid or expired: start the login again');
    }
    if ((payload.p ?? 'login') !== purpose)
      throw new UnauthorizedError('login state invalid or expired: start the login again');
    if (typeof payload.b === 'string' && !sameDigest(payload.b, browserKey))
      throw new UnauthorizedError(
        'this login was started in another browser (or its cookie expired): start the login again',
      );
    const nonce = typeof payload.n === 'string' ? payload.n : '';
    const exp = new Date((payload.exp ?? 0) * 1000);
    if (!nonce || !(await this.nonces.useOnce(nonce, exp)))
      throw new UnauthorizedError('login state already used: start the login again');
    const r = typeof payload.r === 'string' ? payload.r : undefined;
    return {
      subject: typeof payload.s === 'string' ? payload.s : '',
      returnTo: r && this.allowed(r) ? r : undefined,
    };
  }

  /** Exact origin, and a path under an allow-listed entry: never an open redirect. */
  private allowed(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    return this.config.auth.frontendRedirects.some((entry) => {
      const a = new URL(entry);
      return (
        u.origin === a.origin && u.pathname.startsWith(a.pathname) && !u.username && !u.password
      );
    });
  }
}

const digest = (v: string) => createHash('sha256').update(v).digest('base64url');

function sameDigest(expected: string, browserKey: string | undefined): boolean {
  if (!browserKey) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(digest(browserKey));
  return a.length === b.length && timingSafeEqual(a, b);
}
