import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EnvironmentVariables } from './environment';
import { commaList, withoutTrailingSlash } from './parse';
import { isStaged } from './stage';

export type JwtKeys =
  | { algorithm: 'HS256'; secret: string }
  | { algorithm: 'RS256'; privateKey: string; publicKey: string };

export interface AuthConfig {
  jwt: JwtKeys;
  accessTtlSec: number;
  refreshTtlSec: number;
  stateTtlSec: number;
  frontendRedirects: string[];
  /** POST /v1/auth/dev-login exists only in the embedded default */
  devLogin: boolean;
}

export interface KakaoConfig {
  clientId: string;
  clientSecret?: string;
  appId: string;
  redirectUri: string;
  authUrl: string;
  apiUrl: string;
}

/** Our own tokens (JWT keys and lifetimes) and the login rules. */
export function authConfig(env: EnvironmentVariables): AuthConfig {
  return {
    jwt:
      env.JWT_ALGORITHM === 'RS256'
        ? {
            algorithm: 'RS256',
            privateKey: pem(env.JWT_PRIVATE_KEY!),
            publicKey: pem(env.JWT_PUBLIC_KEY!),
          }
        : { algorithm: 'HS256', secret: env.JWT_SECRET ?? embeddedSecret(env.DB_SQLITE_PATH) },
    accessTtlSec: env.ACCESS_TOKEN_TTL_SEC,
    refreshTtlSec: env.REFRESH_TOKEN_TTL_SEC,
    stateTtlSec: env.AUTH_STATE_TTL_SEC,
    frontendRedirects: commaList(env.AUTH_FRONTEND_REDIRECTS),
    devLogin: !isStaged(env.CASTAD_STAGE),
  };
}

/** Kakao login, off (undefined) without a client id. */
export function kakaoConfig(env: EnvironmentVariables): KakaoConfig | undefined {
  if (!env.KAKAO_CLIENT_ID) return undefined;
  return {
    clientId: env.KAKAO_CLIENT_ID,
    clientSecret: env.KAKAO_CLIENT_SECRET,
    appId: env.KAKAO_APP_ID!,
    redirectUri: env.KAKAO_REDIRECT_URI!,
    authUrl: withoutTrailingSlash(env.KAKAO_AUTH_URL),
    apiUrl: withoutTrailingSlash(env.KAKAO_API_URL),
  };
}

/**
 * Keys derived from the token signing key, one per purpose, so the embedded default needs no
 * other secret: the one that signs local file URLs, and the one that encrypts stored social
 * tokens (SOCIAL_TOKEN_KEY when set; derived, a restart keeps stored tokens readable).
 */
export function derivedKeys(
  env: EnvironmentVariables,
  jwt: JwtKeys,
): { fileUrls: string; socialTokens: Buffer } {
  const root = jwt.algorithm === 'HS256' ? jwt.secret : jwt.privateKey;
  const derive = (purpose: string) => createHash('sha256').update(`${purpose}\n${root}`);
  return {
    fileUrls: derive('castad-file-urls').digest('hex'),
    socialTokens: env.SOCIAL_TOKEN_KEY
      ? Buffer.from(env.SOCIAL_TOKEN_KEY, 'hex')
      : derive('castad-social-tokens').digest(),
  };
}

const pem = (value: string) => value.replace(/\\n/g, '\n');

/**
 * The embedded default needs no keys, yet the API and the scheduler must share one signing
 * secret that survives restarts: it is made once and kept beside the SQLite file (0600).
 */
function embeddedSecret(sqlitePath: string): string {
  const dir = sqlitePath === ':memory:' ? resolve('data') : dirname(resolve(sqlitePath));
  const file = join(dir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch {
      /* another process made it first */
    }
  }
  return readFileSync(file, 'utf8').trim();
}
