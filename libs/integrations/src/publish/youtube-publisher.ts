import { Transform } from 'node:stream';
import type { Auth, GoogleApis } from 'googleapis';
import {
  CredentialRefusedError,
  ProviderError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../provider-errors';
import { retryAfterOf } from '../http/provider-http';
import {
  PublishMeta,
  PublishProgress,
  PublishSource,
  SocialGrant,
  VideoPublisher,
  VideoReading,
} from './video-publisher';

export interface YouTubeConfig {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  tokenUrl: string;
  /** googleapis' rootUrl, ending in a slash */
  apiUrl: string;
  timeoutMs: number;
  /** bytes per upload request (a multiple of 256 KiB); YouTube answers 308 to all but the last */
  chunkBytes: number;
}

/** YouTube takes upload chunks in multiples of 256 KiB (but the last). */
export const YOUTUBE_CHUNK_UNIT = 256 * 1024;

const SCOPES = [
  'https://www.googleapis.com/auth/youtube.upload',
  'https://www.googleapis.com/auth/youtube.readonly',
];
/** an upload interrupted this many times in one attempt is left for the next attempt to resume */
const RESUMES_PER_ATTEMPT = 3;

/**
 * YouTube through googleapis: OAuth2 with offline access (the OAuth2 client refreshes
 * tokens itself), the channel looked up with the YouTube Data API, and the video sent with
 * the resumable upload protocol, streamed from our blob store and resumed from the byte
 * YouTube confirmed after an interruption.
 */
export class YouTubePublisher extends VideoPublisher {
  readonly platform = 'youtube' as const;

  constructor(private readonly cfg: YouTubeConfig) {
    super();
  }

  private client(redirectUri?: string): Auth.OAuth2Client {
    return new (googleApis().auth.OAuth2)({
      clientId: this.cfg.clientId,
      clientSecret: this.cfg.clientSecret,
      redirectUri,
      endpoints: { oauth2AuthBaseUrl: this.cfg.authUrl, oauth2TokenUrl: this.cfg.tokenUrl },
    });
  }

  authorizeUrl(state: string, redirectUri: string): string {
    return this.client(redirectUri).generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: SCOPES,
      state,
      include_granted_scopes: true,
    });
  }

  async exchangeCode(code: string, redirectUri: string): Promise<SocialGrant> {
    const auth = this.client(redirectUri);
    const { tokens } = await guard(() => auth.getToken(code), 'the authorization code');
    if (!tokens.access_token)
      throw new ProviderUnavailableError('youtube', 'google answered without an access token');
    auth.setCredentials(tokens);
    const yt = googleApis().youtube({
      version: 'v3',
      auth,
      rootUrl: this.cfg.apiUrl,
      timeout: this.cfg.timeoutMs,
    });
    const res = await guard(
      () => yt.channels.list({ part: ['snippet'], mine: true }),
      'the channel lookup',
    );
    const channel = res.data.items?.[0];
    if (!channel?.id)
      throw new ProviderRejectedError(
        'youtube',
        'this Google account has no YouTube channel: create one, then connect again',
      );
    return {
      externalId: channel.id,
      displayName: channel.snippet?.title ?? null,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? null,
      expiresAt: tokens.expiry_date ? new Date(tokens.expiry_date) : null,
    };
  }

  async fresh(grant: SocialGrant): Promise<SocialGrant> {
    if (grant.expiresAt && grant.expiresAt.getTime() > Date.now() + 60_000) return grant;
    if (!grant.refreshToken)
      throw new CredentialRefusedError(
        'youtube',
        'YouTube access expired and no refresh token was granted: connect the account again',
      );
    const auth = this.authorized(grant);
    const { credentials } = await guard(() => auth.refreshAccessToken(), 'the refresh token');
    return renewedGrant(grant, credentials);
  }

  async publish(
    grant: SocialGrant,
    source: PublishSource,
    meta: PublishMeta,
    session: string | null,
    onSession?: (session: string) => Promise<void>,
    onRefreshed?: (grant: SocialGrant) => Promise<void>,
  ): Promise<PublishProgress> {
    const auth = this.authorized(grant);
    // every renewal the client makes (ours after a 401, or its own near expiry) reaches the caller
    let saved: Promise<void> = Promise.resolve();
    auth.on('tokens', (t) => {
      const renewed = renewedGrant(grant, t);
      saved = saved.then(() => onRefreshed?.(renewed));
    });
    try {
      return await this.upload(auth, grant, { source, meta, session, onSession });
    } finally {
      await saved;
    }
  }

  /** The resumable upload itself: a session opened (or resumed), the chunks sent. */
  private async upload(
    auth: Auth.OAuth2Client,
    grant: SocialGrant,
    job: {
      source: PublishSource;
      meta: PublishMeta;
      session: string | null;
      onSession?: (session: string) => Promise<void>;
    },
  ): Promise<PublishProgress> {
    const { source, meta, session, onSession } = job;
    let url = session;
    let offset = 0;
    if (url) {
      const done = await this.status(auth, url, source.bytes);
      if (typeof done !== 'number') return done;
      offset = done;
    } else {
      url = await this.startSession(auth, source, meta);
      await onSession?.(url);
    }
    let refreshed = false;
    for (let tries = 0; ; tries++) {
      try {
        return await this.send(auth, url, source, offset);
      } catch (err) {
        // the access token ran out mid-upload: renewed once, then on from the confirmed byte
        const expired = err instanceof CredentialRefusedError && !refreshed && !!grant.refreshToken;
        if (expired) {
          refreshed = true;
          await guard(() => auth.refreshAccessToken(), 'the refresh token');
        } else if (!(err instanceof ProviderUnavailableError) || tries + 1 >= RESUMES_PER_ATTEMPT)
          throw err;
        const done = await this.status(auth, url, source.bytes);
        if (typeof done !== 'number') return done;
        offset = done;
      }
    }
  }

  /** videos.list takes up to 50 ids per call, 1 quota unit each call */
  readonly resultsBatch = 50;

  async readResults(grant: SocialGrant, externalIds: string[]): Promise<VideoReading[]> {
    const yt = googleApis().youtube({
      version: 'v3',
      auth: this.authorized(grant),
      rootUrl: this.cfg.apiUrl,
      timeout: this.cfg.timeoutMs,
    });
    const readings: VideoReading[] = [];
    for (let i = 0; i < externalIds.length; i += this.resultsBatch) {
      const ids = externalIds.slice(i, i + this.resultsBatch);
      const res = await guard(
        () => yt.videos.list({ part: ['statistics'], id: ids, maxResults: this.resultsBatch }),
        'the statistics',
      );
      const stats = new Map((res.data.items ?? []).map((v) => [v.id, v.statistics]));
      for (const id of ids) {
        const s = stats.get(id);
        readings.push(
          s
            ? { externalId: id, figures: youtubeFigures(s) }
            : { externalId: id, notYet: 'YouTube gives no statistics for it (removed or private)' },
        );
      }
    }
    return readings;
  }

  private authorized(grant: SocialGrant): Auth.OAuth2Client {
    const auth = this.client();
    auth.setCredentials({
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken ?? undefined,
      expiry_date: grant.expiresAt?.getTime(),
    });
    return auth;
  }

  private async startSession(
    auth: Auth.OAuth2Client,
    source: PublishSource,
    meta: PublishMeta,
  ): Promise<string> {
    const res = await guard(
      () =>
        auth.request({
          url: `${this.cfg.apiUrl}upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
          method: 'POST',
          headers: {
            'X-Upload-Content-Length': String(source.bytes),
            'X-Upload-Content-Type': source.contentType,
            'Content-Type': 'application/json; charset=UTF-8',
          },
          data: {
            snippet: {
              title: cleanTitle(meta.title),
              description: Buffer.from(meta.description)
                .subarray(0, 5000)
                .toString()
                .replace(/\uFFFD$/, ''),
              tags: meta.tags.slice(0, 30),
              categoryId: '22',
            },
            status: {
              privacyStatus: meta.privacy,
              selfDeclaredMadeForKids: false,
              containsSyntheticMedia: meta.containsSyntheticMedia,
            },
          },
          timeout: this.cfg.timeoutMs,
        }),
      'the upload',
    );
    const location = res.headers.get('location');
    if (!location)
      throw new ProviderUnavailableError(
        'youtube',
        'YouTube opened no upload session (no Location header)',
      );
    return location;
  }

  /**
   * Sends the bytes from `offset` in chunks; YouTube answers 308 with `Range: bytes=0-N` to
   * each chunk but the last (go on from N+1), and 200/201 with the video to the last.
   */
  private async send(
    auth: Auth.OAuth2Client,
    url: string,
    source: PublishSource,
    offset: number,
  ): Promise<PublishProgress> {
    for (;;) {
      const end = Math.min(source.bytes, offset + this.cfg.chunkBytes);
      const body = await source.open(offset);
      const res = await guard(
        () =>
          auth.request<{
            id?: string;
            status?: { uploadStatus?: string; rejectionReason?: string; failureReason?: string };
          }>({
            url,
            method: 'PUT',
            headers: {
              'Content-Type': source.contentType,
              'Content-Length': String(end - offset),
              'Content-Range': `bytes ${offset}-${end - 1}/${source.bytes}`,
            },
            data: body.pipe(limit(end - offset)),
            // the SDK's retry would resend from the chunk's start without asking YouTube
            retry: false,
            validateStatus: (s) => s === 200 || s === 201 || s === 308,
          }),
        'the upload',
      ).finally(() => body.destroy());
      if (res.status !== 308) return finished(res.data);
      offset = confirmed(res.headers.get('range'));
    }
  }

  /** Asks how much of an interrupted upload arrived: the offset to go on from, or the finished video. */
  private async status(
    auth: Auth.OAuth2Client,
    url: string,
    total: number,
  ): Promise<number | PublishProgress> {
    const res = await guard(
      () =>
        auth.request<{ id?: string; status?: { uploadStatus?: string } }>({
          url,
          method: 'PUT',
          headers: { 'Content-Range': `bytes */${total}`, 'Content-Length': '0' },
          retry: false,
          validateStatus: (s) => s === 200 || s === 201 || s === 308,
        }),
      'the upload',
    );
    if (res.status !== 308) return finished(res.data);
    return confirmed(res.headers.get('range'));
  }
}

/** YouTube's statistics are decimal strings; a hidden count (likes can be) is absent. */
function youtubeFigures(s: {
  viewCount?: string | null;
  likeCount?: string | null;
  commentCount?: string | null;
}) {
  const n = (v?: string | null) => (v === undefined || v === null ? null : Number(v));
  return {
    views: n(s.viewCount),
    likes: n(s.likeCount),
    comments: n(s.commentCount),
    reach: null,
    saved: null,
    shares: null,
    totalInteractions: null,
    avgWatchTimeMs: null,
  };
}

/** The byte to go on from after a 308: `Range: bytes=0-N` means N+1; no Range means none arrived. */
function confirmed(range: string | null): number {
  const m = /bytes=0-(\d+)/.exec(range ?? '');
  return m ? Number(m[1]) + 1 : 0;
}

/** Passes the first `bytes` bytes of a stream, then ends. */
function limit(bytes: number): Transform {
  let left = bytes;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (left <= 0) return done();
      const part = chunk.subarray(0, left);
      left -= part.length;
      this.push(part);
      if (left <= 0) this.push(null);
      done();
    },
  });
}

function finished(video: {
  id?: string;
  status?: { uploadStatus?: string; rejectionReason?: string; failureReason?: string };
}): PublishProgress {
  const s = video.status?.uploadStatus;
  if (!video.id)
    throw new ProviderUnavailableError('youtube', 'YouTube finished the upload without a video id');
  if (s === 'failed' || s === 'rejected')
    throw new ProviderRejectedError(
      'youtube',
      `YouTube ${s} the video${video.status?.rejectionReason ? ` (${video.status.rejectionReason})` : video.status?.failureReason ? ` (${video.status.failureReason})` : ''}`,
    );
  return {
    status: 'published',
    externalId: video.id,
    postUrl: `https://www.youtube.com/shorts/${video.id}`,
  };
}

/** YouTube refuses titles over 100 characters or with angle brackets. */
function cleanTitle(title: string): string {
  return Array.from(title.replace(/[<>]/g, '').trim()).slice(0, 100).join('') || 'CastAD';
}

/** Maps googleapis / gaxios errors onto ours, once. */
async function guard<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const e = err as {
      status?: number;
      response?: { status?: number; headers?: Headers; data?: any };
      code?: string;
      message?: string;
    };
    const status = e.status ?? e.response?.status;
    const data = e.response?.data;
    const reason: string | undefined =
      data?.error?.errors?.[0]?.reason ??
      (typeof data?.error === 'string' ? data.error : undefined);
    if (reason === 'invalid_client')
      throw new ProviderRejectedError(
        'youtube',
        'Google refused our OAuth client: check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET',
      );
    if (reason === 'invalid_grant')
      throw new CredentialRefusedError(
        'youtube',
        'YouTube access was revoked or expired: connect the account again',
      );
    if (
      reason === 'quotaExceeded' ||
      reason === 'uploadLimitExceeded' ||
      (reason === 'rateLimitExceeded' && status === 403)
    )
      throw new ProviderRejectedError(
        'youtube',
        `YouTube's upload limit is used up (${reason}): uploads are scarce (about 100 a day per project); try again tomorrow`,
      );
    if (status === 401)
      throw new CredentialRefusedError(
        'youtube',
        `YouTube refused our access token for ${what}: connect the account again`,
      );
    if (status === 404)
      throw new ProviderRejectedError('youtube', `YouTube no longer knows ${what} (404)`);
    if (status === 429 || (status !== undefined && status >= 500) || status === undefined)
      throw new ProviderUnavailableError(
        'youtube',
        `YouTube ${status ? `answered ${status}` : `unreachable (${e.code ?? e.message})`} for ${what}`,
        retryAfterOf(e.response),
        true,
      );
    throw new ProviderRejectedError(
      'youtube',
      `YouTube refused ${what} (${status}${reason ? ` ${reason}` : ''}): ${data?.error?.message ?? e.message}`,
    );
  }
}

let loaded: GoogleApis | undefined;
/**
 * googleapis (every Google API) takes over a second to load: only a process that talks to
 * YouTube pays for it, not every CLI command and API start-up.
 */
function googleApis(): GoogleApis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= (require('googleapis') as typeof import('googleapis')).google);
}

/** The grant with what a token refresh gave (a refresh token only when Google sent a new one). */
function renewedGrant(grant: SocialGrant, t: Auth.Credentials): SocialGrant {
  return {
    ...grant,
    accessToken: t.access_token ?? grant.accessToken,
    refreshToken: t.refresh_token ?? grant.refreshToken,
    expiresAt: t.expiry_date ? new Date(t.expiry_date) : null,
  };
}
