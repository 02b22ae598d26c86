import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { DatabaseVariables } from './database-config';
import { commaList, staged, toInt, withoutTrailingSlash } from './parse';
import { isStaged } from './stage';

/**
 * Our tokens (JWT keys and lifetimes) and login (Kakao, login state, front-end redirects).
 * Each is in .env.example; validateEnvironment (environment.ts) checks them all at once.
 */
export class AuthVariables extends DatabaseVariables {
  @IsIn(['HS256', 'RS256']) JWT_ALGORITHM: 'HS256' | 'RS256' = 'HS256';

  /** HS256 secret, at least 32 bytes; required when staged (embedded keeps one under ./data) */
  @ValidateIf(
    (o: AuthVariables) => o.JWT_ALGORITHM === 'HS256' && (staged(o) || o.JWT_SECRET !== undefined),
  )
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 bytes' })
  JWT_SECRET?: string;

  /** RS256 keys, PEM (\n may be written as a literal backslash-n) */
  @ValidateIf((o: AuthVariables) => o.JWT_ALGORITHM === 'RS256')
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, {
    message: 'JWT_PRIVATE_KEY must be a PEM private key (JWT_ALGORITHM=RS256)',
  })
  JWT_PRIVATE_KEY?: string;

  @ValidateIf((o: AuthVariables) => o.JWT_ALGORITHM === 'RS256')
  @Matches(/-----BEGIN PUBLIC KEY-----/, {
    message: 'JWT_PUBLIC_KEY must be a PEM public key (JWT_ALGORITHM=RS256)',
  })
  JWT_PUBLIC_KEY?: string;
  @Transform(toInt) @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_SEC = 900;
  @Transform(toInt) @IsInt() @Min(3600) REFRESH_TOKEN_TTL_SEC = 2_592_000;

  /** the app's REST API key; Kakao login is off without it (required when staged) */
  @ValidateIf((o: AuthVariables) => staged(o) || o.KAKAO_CLIENT_ID !== undefined)
  @IsString()
  @MinLength(1)
  KAKAO_CLIENT_ID?: string;
  @IsOptional() @IsString() KAKAO_CLIENT_SECRET?: string;

  /** our Kakao app id: a mobile token minted for another app is refused */
  @ValidateIf((o: AuthVariables) => o.KAKAO_CLIENT_ID !== undefined)
  @Matches(/^\d+$/, {
    message: 'KAKAO_APP_ID must be the numeric Kakao app id (required with KAKAO_CLIENT_ID)',
  })
  KAKAO_APP_ID?: string;

  /** the callback URL registered with Kakao (…/v1/auth/kakao/callback) */
  @ValidateIf((o: AuthVariables) => o.KAKAO_CLIENT_ID !== undefined)
  @IsUrl(
    { require_tld: false, require_protocol: true },
    { message: 'KAKAO_REDIRECT_URI must be an absolute URL (required with KAKAO_CLIENT_ID)' },
  )
  KAKAO_REDIRECT_URI?: string;
  @IsUrl({ require_tld: false, require_protocol: true }) KAKAO_AUTH_URL = 'https://kauth.kakao.com';
  @IsUrl({ require_tld: false, require_protocol: true }) KAKAO_API_URL = 'https://kapi.kakao.com';

  /** how long a login's signed state stays valid */
  @Transform(toInt) @IsInt() @Min(30) @Max(3600) AUTH_STATE_TTL_SEC = 600;

  /** front-end URLs a web login may return to (comma-separated, exact origin + path prefix) */
  @IsOptional() @IsString() AUTH_FRONTEND_REDIRECTS?: string;
}

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
export function authConfig(env: AuthVariables): AuthConfig {
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
export function kakaoConfig(env: AuthVariables): KakaoConfig | undefined {
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
  jwt: JwtKeys,
  socialTokenKey: string | undefined,
): { fileUrls: string; socialTokens: Buffer } {
  const root = jwt.algorithm === 'HS256' ? jwt.secret : jwt.privateKey;
  const derive = (purpose: string) => createHash('sha256').update(`${purpose}\n${root}`);
  return {
    fileUrls: derive('castad-file-urls').digest('hex'),
    socialTokens: socialTokenKey
      ? Buffer.from(socialTokenKey, 'hex')
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
