import { hostname } from 'node:os';
import type { IntegrationsOptions } from '@app/integrations';
import { AuthConfig, authConfig, derivedKeys, KakaoConfig, kakaoConfig } from './auth-config';
import { DatabaseConfig, databaseConfig } from './database-config';
import { EnvironmentVariables } from './environment';
import {
  HttpConfig,
  httpConfig,
  IdempotencyConfig,
  idempotencyConfig,
  LiveProgressConfig,
  liveProgressConfig,
  publicBaseUrl,
} from './http-config';
import {
  dailyBudgets,
  PipelineConfig,
  pipelineConfig,
  priceTable,
  ResultsConfig,
  resultsConfig,
  SchedulerConfig,
  schedulerConfig,
} from './pipeline-config';
import { providersConfig } from './providers-config';
import { blobConfig, PhotoLimits, photoLimits } from './storage-config';
import { AppRole, Stage } from './stage';

/**
 * The typed, validated configuration every module reads (never process.env directly), one
 * object per concern. It is built once per process, by the loader (load-config.ts), from the
 * validated environment and the process role; tests build their own the same way.
 */
export class AppConfig {
  readonly stage: Stage;
  readonly role: AppRole;
  readonly instanceId: string;
  readonly logLevel: string;
  readonly http: HttpConfig;
  /** our public base URL (file links, provider callbacks), without a trailing slash */
  readonly publicBaseUrl: string;
  readonly liveProgress: LiveProgressConfig;
  readonly scheduler: SchedulerConfig;
  readonly database: DatabaseConfig;
  readonly redisUrl?: string;
  readonly auth: AuthConfig;
  readonly kakao?: KakaoConfig;
  readonly socialTokenKey: Buffer;
  /** the outside systems (ports' adapters), files included */
  readonly integrations: IntegrationsOptions;
  readonly providerTimeoutMs: number;
  readonly pipeline: PipelineConfig;
  readonly publishPollMs: number;
  readonly results: ResultsConfig;
  readonly prices: Record<string, number>;
  readonly dailyBudgetUsd: Record<string, number>;
  readonly photos: PhotoLimits;
  readonly idempotency: IdempotencyConfig;

  constructor(env: EnvironmentVariables, role: AppRole) {
    this.stage = env.CASTAD_STAGE;
    this.role = role;
    this.instanceId = env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.logLevel = env.LOG_LEVEL;
    this.http = httpConfig(env);
    this.publicBaseUrl = publicBaseUrl(env);
    this.liveProgress = liveProgressConfig(env);
    this.scheduler = schedulerConfig(env, role);
    this.database = databaseConfig(env, role);
    this.redisUrl = env.REDIS_URL;
    this.auth = authConfig(env);
    this.kakao = kakaoConfig(env);
    const keys = derivedKeys(this.auth.jwt, env.SOCIAL_TOKEN_KEY);
    this.socialTokenKey = keys.socialTokens;
    this.pipeline = pipelineConfig(env);
    this.integrations = {
      ...providersConfig(env, blobConfig(env, this.publicBaseUrl, keys.fileUrls)),
      // with Bull, another host (a worker) may poll what this one rendered
      handOffRenders: this.pipeline.driver === 'bull',
    };
    this.providerTimeoutMs = env.PROVIDER_TIMEOUT_MS;
    this.publishPollMs = env.PUBLISH_POLL_MS;
    this.results = resultsConfig(env);
    this.prices = priceTable(env);
    this.dailyBudgetUsd = dailyBudgets(env);
    this.photos = photoLimits(env);
    this.idempotency = idempotencyConfig(env);
  }
}
