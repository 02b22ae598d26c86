import { randomUUID } from 'node:crypto';
import { consentGranted, FakeHttpServer, FakeRequest } from './fake-http';

interface Upload {
  meta: any;
  total: number;
  contentType: string;
  received: Buffer;
  videoId?: string;
}

/**
 * Google OAuth 2.0 (consent, code and refresh-token grants, invalid_grant) and the YouTube
 * Data API pieces we use: channels.list(mine) and the resumable upload protocol (session in
 * Location, 308 with Range after an interruption, the video resource at the end).
 */
export class FakeGoogle extends FakeHttpServer {
  clientId = 'google-client';
  clientSecret = 'google-secret';
  channel = { id: 'UC_fake_channel_1', title: '할매국밥 채널' };
  /** cut the next upload PUT after this many bytes */
  cutUploadAfter?: number;
  quotaExceeded = false;
  accessTtlSec = 3600;
  readonly uploads = new Map<string, Upload>();
  readonly videos = new Map<string, { meta: any; bytes: Buffer }>();
  /** how often each video's statistics were read (its counts grow with it) */
  readonly statisticsReads = new Map<string, number>();
  private readonly codes = new Map<string, string>();
  private readonly refreshTokens = new Set<string>();
  private readonly accessTokens = new Map<string, number>();

  constructor() {
    super();
    // documented answers a test can serve (api-shapes.md, "Documented failures")
    this.document('quotaExceeded', {
      route: 'POST /upload/youtube/v3/videos',
      reply: () =>
        ytError(
          403,
          'quotaExceeded',
          'The request cannot be completed because you have exceeded your quota.',
        ),
    });
    this.document('uploadLimitExceeded', {
      route: 'POST /upload/youtube/v3/videos',
      reply: () =>
        ytError(
          403,
          'uploadLimitExceeded',
          'The user has exceeded the number of videos they may upload.',
        ),
    });
    // the access token runs out while a later chunk is on its way: that chunk is not taken
    this.document('401-mid-upload', {
      route: 'PUT /upload/youtube/v3/videos',
      applies: (req) => /^bytes [1-9]\d*-/.test(String(req.headers['content-range'] ?? '')),
      reply: (req) => {
        this.expireAccessTokens();
        return this.check(req)!;
      },
    });
    this.document('invalid_grant', {
      route: 'POST /token',
      reply: () => ({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      }),
    });
    this.route('GET', '/o/oauth2/v2/auth', (req) => {
      if (req.query.get('client_id') !== this.clientId)
        return { status: 400, body: 'Error 401: invalid_client' };
      if (req.query.get('access_type') !== 'offline')
        return { status: 400, body: 'this fake expects access_type=offline' };
      return consentGranted(req, this.codes, `g-code-${randomUUID()}`);
    });
    this.document('quotaExceeded-statistics', {
      route: 'GET /youtube/v3/videos',
      reply: () =>
        ytError(
          403,
          'quotaExceeded',
          'The request cannot be completed because you have exceeded your quota.',
        ),
    });
    this.route('POST', '/token', (req) => this.token(req));
    // videos.list(part=statistics): up to 50 ids (repeated or comma-separated), 1 quota unit;
    // unknown ids are left out of items; the counts are strings and grow with each reading
    this.route('GET', '/youtube/v3/videos', (req) => {
      const denied = this.check(req);
      if (denied) return denied;
      if (req.query.get('part') !== 'statistics')
        return ytError(400, 'invalidPart', 'this fake serves part=statistics only');
      const ids = req.query.getAll('id').flatMap((v) => v.split(','));
      if (ids.length > 50)
        return ytError(400, 'invalidFilters', 'The request specifies more than 50 video ids.');
      const items = ids
        .filter((id) => this.videos.has(id))
        .map((id) => {
          const seen = (this.statisticsReads.get(id) ?? 0) + 1;
          this.statisticsReads.set(id, seen);
          return {
            kind: 'youtube#video',
            id,
            statistics: {
              viewCount: String(100 * seen),
              likeCount: String(5 * seen),
              favoriteCount: '0',
              commentCount: String(seen),
            },
          };
        });
      return { status: 200, body: { kind: 'youtube#videoListResponse', items } };
    });
    this.route('GET', '/youtube/v3/channels', (req) => {
      const denied = this.check(req);
      if (denied) return denied;
      return {
        status: 200,
        body: {
          kind: 'youtube#channelListResponse',
          items: [
            {
              kind: 'youtube#channel',
              id: this.channel.id,
              snippet: { title: this.channel.title },
            },
          ],
        },
      };
    });
    this.route('POST', '/upload/youtube/v3/videos', (req) => {
      const denied = this.check(req);
      if (denied) return denied;
      if (req.query.get('uploadType') !== 'resumable')
        return ytError(400, 'badRequest', 'this fake only takes resumable uploads');
      if (this.quotaExceeded)
        return ytError(
          403,
          'quotaExceeded',
          'The request cannot be completed because you have exceeded your quota.',
        );
      const meta = req.json();
      if (
        !meta.snippet?.title ||
        meta.snippet.title.length > 100 ||
        /[<>]/.test(meta.snippet.title)
      )
        return ytError(
          400,
          'invalidTitle',
          'The request metadata specifies an invalid or empty video title.',
        );
      if (meta.status?.selfDeclaredMadeForKids === undefined)
        return ytError(400, 'invalidVideoMetadata', 'selfDeclaredMadeForKids must be set');
      const total = Number(req.headers['x-upload-content-length']);
      const id = randomUUID();
      this.uploads.set(id, {
        meta,
        total,
        contentType: String(req.headers['x-upload-content-type']),
        received: Buffer.alloc(0),
      });
      return {
        status: 200,
        headers: {
          location: `${this.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`,
        },
      };
    });
    this.route('PUT', '/upload/youtube/v3/videos', (req) => {
      const denied = this.check(req);
      if (denied) return denied;
      const up = this.uploads.get(req.query.get('upload_id') ?? '');
      if (!up) return ytError(404, 'notFound', 'upload session not found');
      const range = String(req.headers['content-range'] ?? '');
      if (/^bytes \*\/\d+$/.test(range)) {
        if (up.videoId) return this.video(up);
        return up.received.length
          ? { status: 308, headers: { range: `bytes=0-${up.received.length - 1}` } }
          : { status: 308 };
      }
      const start = /^bytes (\d+)-\d+\/\d+$/.exec(range)?.[1];
      if (Number(start ?? 0) !== up.received.length)
        return ytError(
          400,
          'badContentRange',
          `expected the upload to resume at ${up.received.length}`,
        );
      if (this.cutUploadAfter !== undefined) {
        up.received = Buffer.concat([up.received, req.raw.subarray(0, this.cutUploadAfter)]);
        this.cutUploadAfter = undefined;
        return { status: 0, destroy: true };
      }
      up.received = Buffer.concat([up.received, req.raw]);
      if (up.received.length < up.total)
        return { status: 308, headers: { range: `bytes=0-${up.received.length - 1}` } };
      up.videoId = `yt${randomUUID().slice(0, 8)}`;
      this.videos.set(up.videoId, { meta: up.meta, bytes: up.received });
      return { ...this.video(up), status: 201 };
    });
  }

  /** Makes every access token so far invalid (as if they expired). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  private video(up: Upload) {
    return {
      status: 200,
      body: {
        kind: 'youtube#video',
        id: up.videoId,
        snippet: up.meta.snippet,
        status: { ...up.meta.status, uploadStatus: 'uploaded' },
      },
    };
  }

  private token(req: FakeRequest) {
    const f = req.form;
    if (f.get('client_id') !== this.clientId || f.get('client_secret') !== this.clientSecret)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
      };
    if (f.get('grant_type') === 'authorization_code') {
      const redirect = this.codes.get(f.get('code') ?? '');
      this.codes.delete(f.get('code') ?? '');
      if (redirect === undefined || redirect !== f.get('redirect_uri'))
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'Malformed auth code.' },
        };
      const refresh = `g-refresh-${randomUUID()}`;
      this.refreshTokens.add(refresh);
      return {
        status: 200,
        body: {
          ...this.access(),
          refresh_token: refresh,
          scope: 'https://www.googleapis.com/auth/youtube.upload',
        },
      };
    }
    if (f.get('grant_type') === 'refresh_token') {
      if (!this.refreshTokens.has(f.get('refresh_token') ?? ''))
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
        };
      return {
        status: 200,
        body: { ...this.access(), scope: 'https://www.googleapis.com/auth/youtube.upload' },
      };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  private access() {
    const token = `g-access-${randomUUID()}`;
    this.accessTokens.set(token, Date.now() + this.accessTtlSec * 1000);
    return { access_token: token, expires_in: this.accessTtlSec, token_type: 'Bearer' };
  }

  private check(req: FakeRequest) {
    const exp = this.accessTokens.get(req.bearer ?? '');
    if (!exp || exp < Date.now())
      return {
        status: 401,
        body: {
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials.',
            errors: [{ reason: 'authError', domain: 'global' }],
            status: 'UNAUTHENTICATED',
          },
        },
      };
    return undefined;
  }
}

function ytError(status: number, reason: string, message: string) {
  return {
    status,
    body: {
      error: { code: status, message, errors: [{ message, domain: 'youtube.video', reason }] },
    },
  };
}
