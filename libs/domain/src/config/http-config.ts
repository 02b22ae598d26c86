import { EnvironmentVariables } from './environment';
import { commaList, withoutTrailingSlash } from './parse';

export interface HttpConfig {
  host: string;
  port: number;
  shutdownTimeoutMs: number;
  /** proxies (nginx) whose X-Forwarded-For is believed; empty: none */
  trustedProxies: string[];
  /** requests per minute per user, partner key or client address */
  rateLimitPerMinute: number;
  /** networks a Prometheus scraper may read /metrics from without a token */
  metricsAllowCidrs: string[];
}

/** SSE: heartbeat of an idle stream; the shared DB poll's interval without Redis pub/sub */
export interface LiveProgressConfig {
  heartbeatMs: number;
  pollMs: number;
}

/** Where the API listens and what it believes of the network in front of it. */
export function httpConfig(env: EnvironmentVariables): HttpConfig {
  return {
    host: env.HOST,
    port: env.PORT,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    trustedProxies: commaList(env.TRUSTED_PROXIES),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    metricsAllowCidrs: commaList(env.METRICS_ALLOW_CIDRS),
  };
}

/** Our public base URL (file links, provider callbacks), without a trailing slash. */
export function publicBaseUrl(env: EnvironmentVariables): string {
  return withoutTrailingSlash(env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`);
}

export function liveProgressConfig(env: EnvironmentVariables): LiveProgressConfig {
  return { heartbeatMs: env.SSE_HEARTBEAT_MS, pollMs: env.SSE_POLL_MS };
}
