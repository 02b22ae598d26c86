import { randomUUID } from 'node:crypto';
import { consentGranted, FakeHttpServer, FakeRequest } from './fake-http';

/**
 * Instagram Login + Graph API (Reels): authorize, code and long-lived token exchange,
 * refresh, the publishing limit, containers (the video URL is really fetched, as Meta
 * does), status polling, publish and permalink; errors in Graph's own shape.
 */
export class FakeInstagram extends FakeHttpServer {
  appId = 'ig-app';
  appSecret = 'ig-secret';
  user = { id: '17841400000000001', username: 'halmae_gukbap' };
  quotaUsage = 0;
  /** the account's limit as content_publishing_limit reports it (50 today; read, never assumed) */
  quotaTotal = 50;
  /** polls a container answers IN_PROGRESS before FINISHED */
  pollsBeforeFinished = 1;
  readonly containers = new Map<
    string,
    { caption: string; videoBytes: number; polls: number; published?: string }
  >();
  readonly media = new Map<string, { caption: string }>();
  /** insights reads that answer an empty data set before figures appear (data lags) */
  insightsLagReads = 1;
  readonly insightsReads = new Map<string, number>();
  private readonly codes = new Map<string, string>();
  private readonly tokens = new Set<string>();

  constructor() {
    super();
    const v = '/v21.0';
    this.route('GET', '/oauth/authorize', (req) => {
      if (req.query.get('client_id') !== this.appId)
        return { status: 400, body: graphErr('Invalid platform app', 100) };
      return consentGranted(req, this.codes, `ig-code-${randomUUID()}`);
    });
    this.route('POST', '/oauth/access_token', (req) => {
      const f = req.form;
      if (f.get('client_id') !== this.appId || f.get('client_secret') !== this.appSecret)
        return {
          status: 400,
          body: { error_type: 'OAuthException', code: 400, error_message: 'Invalid client_secret' },
        };
      const redirect = this.codes.get(f.get('code') ?? '');
      this.codes.delete(f.get('code') ?? '');
      if (redirect === undefined || redirect !== f.get('redirect_uri'))
        return {
          status: 400,
          body: {
            error_type: 'OAuthException',
            code: 400,
            error_message: 'Invalid authorization code',
          },
        };
      return {
        status: 200,
        body: {
          access_token: this.issue('short'),
          user_id: Number(this.user.id),
          permissions: [
            'instagram_business_basic',
            'instagram_business_content_publish',
            'instagram_business_manage_insights',
          ],
        },
      };
    });
    this.route('GET', `${v}/access_token`, (req) => {
      if (
        req.query.get('client_secret') !== this.appSecret ||
        !this.tokens.has(req.query.get('access_token') ?? '')
      )
        return { status: 400, body: graphErr('Invalid OAuth access token.', 190) };
      return {
        status: 200,
        body: { access_token: this.issue('long'), token_type: 'bearer', expires_in: 5_184_000 },
      };
    });
    this.route('GET', `${v}/refresh_access_token`, (req) => {
      const denied = this.auth(req);
      if (denied) return denied;
      return {
        status: 200,
        body: { access_token: this.issue('long'), token_type: 'bearer', expires_in: 5_184_000 },
      };
    });
    this.route(
      'GET',
      `${v}/me`,
      (req) =>
        this.auth(req) ?? {
          status: 200,
          body: { user_id: this.user.id, username: this.user.username, id: this.user.id },
        },
    );
    // documented answers a test can serve (api-shapes.md, "Documented failures")
    for (const subcode of [460, 463, 467])
      this.document(`code-190-${subcode}`, {
        route: `POST ${v}/:id/media`,
        reply: () => ({
          status: 400,
          body: graphErr('Error validating access token.', 190, subcode),
        }),
      });
    for (const code of [4, 17, 32, 613])
      this.document(`code-${code}`, {
        route: `POST ${v}/:id/media`,
        reply: () => ({ status: 400, body: graphErr('Application request limit reached', code) }),
      });
    this.route(
      'GET',
      `${v}/:id/content_publishing_limit`,
      (req) =>
        this.auth(req) ?? {
          status: 200,
          body: {
            data: [
              {
                quota_usage: this.quotaUsage,
                config: { quota_total: this.quotaTotal, quota_duration: 86400 },
              },
            ],
          },
        },
    );
    this.route('POST', `${v}/:id/media`, async (req) => {
      const denied = this.auth(req);
      if (denied) return denied;
      const f = req.form;
      if (f.get('media_type') !== 'REELS' || !f.get('video_url'))
        return { status: 400, body: graphErr('The parameter video_url is required', 100) };
      // Meta downloads the video itself: an unreachable or expired URL fails here
      const video = await fetch(f.get('video_url')!).catch(() => undefined);
      if (!video?.ok)
        return {
          status: 400,
          body: graphErr(
            'Media download has failed. The media URI doesn’t meet our requirements.',
            9004,
            2207052,
          ),
        };
      const id = `cont${randomUUID().slice(0, 8)}`;
      this.containers.set(id, {
        caption: f.get('caption') ?? '',
        videoBytes: (await video.arrayBuffer()).byteLength,
        polls: 0,
      });
      return { status: 200, body: { id } };
    });
    this.route('POST', `${v}/:id/media_publish`, (req) => {
      const denied = this.auth(req);
      if (denied) return denied;
      const c = this.containers.get(
        req.form.get('creation_id') ?? req.query.get('creation_id') ?? '',
      );
      if (!c) return { status: 400, body: graphErr('Invalid parameter', 100) };
      if (this.quotaUsage >= this.quotaTotal)
        return { status: 400, body: graphErr('Application request limit reached', 4) };
      const mediaId = `1790${Math.floor(Math.random() * 1e10)}`;
      c.published = mediaId;
      this.quotaUsage++;
      this.media.set(mediaId, { caption: c.caption });
      return { status: 200, body: { id: mediaId } };
    });
    // the container reports FINISHED but Meta is not ready to publish it yet (api-shapes.md):
    // nothing is published, the container stays as it was
    this.document('code-9007-2207027', {
      route: `POST ${v}/:id/media_publish`,
      reply: () => ({
        status: 400,
        body: graphErr(
          'The media is not ready for publishing, please wait for a moment',
          9007,
          2207027,
        ),
      }),
    });
    this.document('code-10', {
      route: `GET ${v}/:id/insights`,
      reply: () => ({
        status: 400,
        body: graphErr('(#10) Not enough viewers for the media to show insights', 10),
      }),
    });
    // a Reel's insights: the requested metrics (plays, impressions and video_views are refused
    // as removed), an empty data set for the first `insightsLagReads` reads (data lags), then
    // lifetime values that grow with each reading
    this.route('GET', `${v}/:id/insights`, (req) => {
      const denied = this.auth(req);
      if (denied) return denied;
      const id = req.path.split('/').slice(-2)[0];
      if (!this.media.has(id))
        return { status: 400, body: graphErr(`Object with ID '${id}' does not exist`, 100, 33) };
      const metrics = (req.query.get('metric') ?? '').split(',');
      const gone = metrics.find((m) => ['plays', 'impressions', 'video_views'].includes(m));
      if (gone)
        return {
          status: 400,
          body: graphErr(`(#100) The metric ${gone} is no longer supported`, 100),
        };
      const reads = (this.insightsReads.get(id) ?? 0) + 1;
      this.insightsReads.set(id, reads);
      const seen = reads - this.insightsLagReads;
      if (seen <= 0) return { status: 200, body: { data: [] } };
      const value = (m: string) =>
        m === 'ig_reels_avg_watch_time' ? 4200 : m === 'views' ? 200 * seen : 10 * seen;
      return {
        status: 200,
        body: {
          data: metrics.map((name) => ({
            name,
            period: 'lifetime',
            values: [{ value: value(name) }],
            title: name,
            id: `${id}/insights/${name}/lifetime`,
          })),
        },
      };
    });
    this.route('GET', `${v}/:id`, (req) => {
      const denied = this.auth(req);
      if (denied) return denied;
      const id = req.path.split('/').pop()!;
      const c = this.containers.get(id);
      if (c) {
        const status_code = c.published
          ? 'PUBLISHED'
          : c.polls++ < this.pollsBeforeFinished
            ? 'IN_PROGRESS'
            : 'FINISHED';
        return {
          status: 200,
          body: {
            status_code,
            status: status_code === 'IN_PROGRESS' ? 'In Progress' : 'Finished',
            id,
          },
        };
      }
      if (this.media.has(id))
        return { status: 200, body: { permalink: `https://www.instagram.com/reel/${id}/`, id } };
      return {
        status: 400,
        body: graphErr(`Unsupported get request. Object with ID '${id}' does not exist`, 100, 33),
      };
    });
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  private issue(kind: string): string {
    const t = `IG${kind}${randomUUID().replace(/-/g, '')}`;
    this.tokens.add(t);
    return t;
  }

  private auth(req: FakeRequest) {
    const token = req.query.get('access_token') ?? req.form.get('access_token') ?? req.bearer;
    if (!token || !this.tokens.has(token))
      return {
        status: 400,
        body: graphErr('Error validating access token: Session has expired.', 190, 463),
      };
    return undefined;
  }
}

function graphErr(message: string, code: number, subcode?: number) {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: 'AbCdEfGh',
    },
  };
}
