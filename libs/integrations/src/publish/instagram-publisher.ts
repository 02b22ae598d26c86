import {
  CredentialRefusedError,
  ProviderLimitWaitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../provider-errors';
import { parseJson, providerFetch, ProviderResponse, retryAfterOf } from '../http/provider-http';
import {
  PublishMeta,
  PublishProgress,
  PublishSource,
  SocialGrant,
  VideoFigures,
  VideoPublisher,
  VideoReading,
} from './video-publisher';

export interface InstagramConfig {
  appId: string;
  appSecret: string;
  authUrl: string;
  /** the short-lived token exchange (api.instagram.com/oauth/access_token) */
  tokenUrl: string;
  /** Graph API root with its version */
  graphUrl: string;
  timeoutMs: number;
}

const SCOPES =
  'instagram_business_basic,instagram_business_content_publish,instagram_business_manage_insights';
/** the Reel metrics read back (plays, impressions and video_views are gone since 2025) */
const INSIGHT_METRICS = [
  'views',
  'reach',
  'likes',
  'comments',
  'saved',
  'shares',
  'total_interactions',
  'ig_reels_avg_watch_time',
] as const;
/** Graph's answer for a Reel too few people saw to report on: not yet, not an error */
const NOT_ENOUGH_VIEWERS = 10;
/** Graph error codes that mean "slow down" (api-shapes.md) */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
/** media_publish before Meta is ready with the container: publish it again after a while */
const MEDIA_NOT_READY = { code: 9007, subcode: 2207027, retryAfterSec: 30 } as const;
/** long-lived tokens last 60 days; renew a week ahead */
const REFRESH_AHEAD_MS = 7 * 24 * 3600_000;

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; type?: string };
}

/**
 * Instagram Reels through the Graph API: a container made from a short-lived public URL
 * of the video, polled until FINISHED, then published; the permalink is the post URL.
 * Tokens are long-lived (60 days) and refreshed ahead of expiry.
 */
/** how soon a publication held by the 24-hour publishing limit asks again */
const PUBLISHING_LIMIT_RECHECK_SEC = 3600;

export class InstagramPublisher extends VideoPublisher {
  readonly platform = 'instagram' as const;

  constructor(private readonly cfg: InstagramConfig) {
    super();
  }

  authorizeUrl(state: string, redirectUri: string): string {
    const q = new URLSearchParams({
      client_id: this.cfg.appId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: SCOPES,
      state,
    });
    return `${this.cfg.authUrl}?${q}`;
  }

  async exchangeCode(code: string, redirectUri: string): Promise<SocialGrant> {
    const form = new URLSearchParams({
      client_id: this.cfg.appId,
      client_secret: this.cfg.appSecret,
      grant_type: 'authorization_code',
      redirect_uri: redirectUri,
      code,
    });
    const short = await this.json<{ access_token: string; user_id: string | number }>(
      await providerFetch(
        'instagram',
        this.cfg.tokenUrl,
        {
          method: 'POST',
          body: form,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
        this.cfg.timeoutMs,
      ),
      'the authorization code',
    );
    const long = await this.graph<{ access_token: string; expires_in: number }>(
      'GET',
      '/access_token',
      {
        grant_type: 'ig_exchange_token',
        client_secret: this.cfg.appSecret,
        access_token: short.access_token,
      },
      'the token exchange',
    );
    const me = await this.graph<{ user_id?: string; id?: string; username?: string }>(
      'GET',
      '/me',
      { fields: 'user_id,username', access_token: long.access_token },
      'the account lookup',
    );
    return {
      externalId: String(me.user_id ?? me.id ?? short.user_id),
      displayName: me.username ?? null,
      accessToken: long.access_token,
      refreshToken: null,
      expiresAt: new Date(Date.now() + long.expires_in * 1000),
    };
  }

  async fresh(grant: SocialGrant): Promise<SocialGrant> {
    if (!grant.expiresAt || grant.expiresAt.getTime() > Date.now() + REFRESH_AHEAD_MS) return grant;
    if (grant.expiresAt.getTime() <= Date.now())
      throw new CredentialRefusedError(
        'instagram',
        'the Instagram token expired: connect the account again',
      );
    const r = await this.graph<{ access_token: string; expires_in: number }>(
      'GET',
      '/refresh_access_token',
      { grant_type: 'ig_refresh_token', access_token: grant.accessToken },
      'the token refresh',
    );
    return {
      ...grant,
      accessToken: r.access_token,
      expiresAt: new Date(Date.now() + r.expires_in * 1000),
    };
  }

  async publish(
    grant: SocialGrant,
    source: PublishSource,
    meta: PublishMeta,
    session: string | null,
    onSession?: (session: string) => Promise<void>,
  ): Promise<PublishProgress> {
    const token = grant.accessToken;
    if (!session) {
      session = await this.createContainer(grant, source, meta);
      await onSession?.(session);
    }
    if (!(await this.containerFinished(session, token))) return { status: 'processing', session };
    const media = await this.graph<{ id: string }>(
      'POST',
      `/${grant.externalId}/media_publish`,
      { creation_id: session, access_token: token },
      'the publish',
    );
    const post = await this.graph<{ permalink?: string }>(
      'GET',
      `/${media.id}`,
      { fields: 'permalink', access_token: token },
      'the permalink',
    );
    return {
      status: 'published',
      externalId: media.id,
      postUrl: post.permalink ?? `https://www.instagram.com/reel/${media.id}/`,
    };
  }

  /** Insights are read per media: one call per Reel. */
  readonly resultsBatch = 1;

  async readResults(grant: SocialGrant, externalIds: string[]): Promise<VideoReading[]> {
    const readings: VideoReading[] = [];
    for (const id of externalIds) readings.push(await this.insights(id, grant.accessToken));
    return readings;
  }

  /**
   * One Reel's insights. An empty data set (data lags up to 48 h) and code 10 ("Not enough
   * viewers") mean not yet; other refusals are mapped as every Graph answer is.
   */
  private async insights(mediaId: string, token: string): Promise<VideoReading> {
    const q = new URLSearchParams({ metric: INSIGHT_METRICS.join(','), access_token: token });
    const res = await providerFetch(
      'instagram',
      `${this.cfg.graphUrl}/${mediaId}/insights?${q}`,
      { method: 'GET' },
      this.cfg.timeoutMs,
    );
    if (res.status === 400 && graphCode(res.text) === NOT_ENOUGH_VIEWERS)
      return { externalId: mediaId, notYet: 'Instagram: not enough viewers yet for insights' };
    const body = this.json<{ data?: { name: string; values?: { value?: unknown }[] }[] }>(
      res,
      'the insights',
    );
    if (!body.data?.length)
      return { externalId: mediaId, notYet: 'Instagram has no insights for it yet (up to 48 h)' };
    const metric = (name: (typeof INSIGHT_METRICS)[number]) => {
      const v = body.data!.find((d) => d.name === name)?.values?.[0]?.value;
      return typeof v === 'number' ? v : null;
    };
    const figures: VideoFigures = {
      views: metric('views'),
      likes: metric('likes'),
      comments: metric('comments'),
      reach: metric('reach'),
      saved: metric('saved'),
      shares: metric('shares'),
      totalInteractions: metric('total_interactions'),
      avgWatchTimeMs: metric('ig_reels_avg_watch_time'),
    };
    return { externalId: mediaId, figures };
  }

  /** A Reels container for the video, once the account's 24-hour publishing limit allows it. */
  private async createContainer(
    grant: SocialGrant,
    source: PublishSource,
    meta: PublishMeta,
  ): Promise<string> {
    const token = grant.accessToken;
    // checked first: a container made past the limit would only fail at publish time
    const limit = await this.graph<{
      data?: { quota_usage?: number; config?: { quota_total?: number } }[];
    }>(
      'GET',
      `/${grant.externalId}/content_publishing_limit`,
      { fields: 'quota_usage,config', access_token: token },
      'the publishing limit',
    );
    const used = limit.data?.[0]?.quota_usage ?? 0;
    const total = limit.data?.[0]?.config?.quota_total ?? 50; // Meta's documented default
    // a window, not a refusal: the publication waits for a post to leave the 24 hours
    if (used >= total)
      throw new ProviderLimitWaitError(
        'instagram',
        `waiting: Instagram allows ${total} API posts per account in 24 hours and ${used} were used`,
        PUBLISHING_LIMIT_RECHECK_SEC,
      );
    const container = await this.graph<{ id: string }>(
      'POST',
      `/${grant.externalId}/media`,
      {
        media_type: 'REELS',
        video_url: await source.url(),
        caption: caption(meta),
        share_to_feed: 'true',
        access_token: token,
      },
      'the Reels container',
    );
    return container.id;
  }

  /** True once the container's video is processed; false while it still is; thrown otherwise. */
  private async containerFinished(session: string, token: string): Promise<boolean> {
    const st = await this.graph<{ status_code?: string; status?: string }>(
      'GET',
      `/${session}`,
      { fields: 'status_code,status', access_token: token },
      'the container status',
    );
    switch (st.status_code) {
      case 'IN_PROGRESS':
        return false;
      case 'FINISHED':
        return true;
      case 'PUBLISHED':
        throw new ProviderRejectedError('instagram', 'this container was already published');
      case 'EXPIRED':
        throw new ProviderRejectedError(
          'instagram',
          'the Instagram container expired (24 h) before it was published',
        );
      default:
        throw new ProviderRejectedError(
          'instagram',
          `Instagram could not process the video: ${st.status ?? st.status_code ?? 'unknown error'}`,
        );
    }
  }

  private async graph<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
    what: string,
  ): Promise<T> {
    const q = new URLSearchParams(params);
    const res =
      method === 'GET'
        ? await providerFetch(
            'instagram',
            `${this.cfg.graphUrl}${path}?${q}`,
            { method },
            this.cfg.timeoutMs,
          )
        : await providerFetch(
            'instagram',
            `${this.cfg.graphUrl}${path}`,
            { method, body: q, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
            this.cfg.timeoutMs,
          );
    return this.json<T>(res, what);
  }

  private json<T>(res: ProviderResponse, what: string): T {
    if (res.status >= 200 && res.status < 300) return parseJson<T>('instagram', res.text);
    let body: GraphError = {};
    try {
      body = JSON.parse(res.text) as GraphError;
    } catch {
      /* a non-JSON error page: the status decides */
    }
    const e = body.error ?? {};
    const msg = `Instagram refused ${what} (${res.status}${e.code ? ` code ${e.code}` : ''}): ${e.message ?? 'no message'}`;
    // "media not ready": the same container is published again later (its id is the session),
    // as a retry of the publication, so the attempts bound it and the last one says why
    if (e.code === MEDIA_NOT_READY.code && e.error_subcode === MEDIA_NOT_READY.subcode)
      throw new ProviderUnavailableError(
        'instagram',
        'Instagram has not finished preparing the video for publishing (code 9007, subcode 2207027): the same container is published again later',
        MEDIA_NOT_READY.retryAfterSec,
      );
    if (e.code === 190 || res.status === 401)
      throw new CredentialRefusedError(
        'instagram',
        `the Instagram token is invalid or expired: connect the account again (${e.message ?? res.status})`,
      );
    if (
      (e.code !== undefined && RATE_LIMIT_CODES.has(e.code)) ||
      res.status === 429 ||
      res.status >= 500
    )
      throw new ProviderUnavailableError(
        'instagram',
        msg,
        retryAfterOf(res) ?? (res.status >= 500 ? undefined : 60),
      );
    throw new ProviderRejectedError('instagram', msg);
  }
}

/** The Graph error code of an error body, when it has one. */
function graphCode(text: string): number | undefined {
  try {
    return (JSON.parse(text) as GraphError).error?.code;
  } catch {
    return undefined;
  }
}

function caption(meta: PublishMeta): string {
  const tags = meta.tags.map((t) => `#${t.replace(/\s+/g, '')}`).join(' ');
  return [meta.title, meta.description, tags].filter(Boolean).join('\n\n').slice(0, 2200);
}
