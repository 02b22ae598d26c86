import { Readable } from 'node:stream';

export type SocialPlatform = 'youtube' | 'instagram';

/** What a connected account needs to act for its owner (tokens are stored encrypted). */
export interface SocialGrant {
  externalId: string;
  displayName: string | null;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

/** The finished video, read from our blob store. */
export interface PublishSource {
  bytes: number;
  contentType: string;
  /** the bytes from `offset` on, for a resumable upload */
  open(offset: number): Promise<Readable>;
  /** a short-lived public URL, for platforms that fetch the video themselves */
  url(): Promise<string>;
}

export interface PublishMeta {
  title: string;
  description: string;
  tags: string[];
  privacy: 'private' | 'unlisted' | 'public';
  /** the video holds generated sound or pictures (YouTube's `status.containsSyntheticMedia`) */
  containsSyntheticMedia: boolean;
}

/** Where a publication stands. `session` is whatever the platform needs to go on later. */
export type PublishProgress =
  | { status: 'processing'; session: string; externalId?: string }
  | { status: 'published'; externalId: string; postUrl: string };

/**
 * A published video's figures as the platform counts them; null where the platform gives no
 * such figure (YouTube has no reach, Instagram no separate view count before 2025's `views`).
 */
export interface VideoFigures {
  views: number | null;
  likes: number | null;
  comments: number | null;
  reach: number | null;
  saved: number | null;
  shares: number | null;
  totalInteractions: number | null;
  /** Instagram's ig_reels_avg_watch_time, milliseconds */
  avgWatchTimeMs: number | null;
}

/**
 * One video's reading: its figures, or "not yet" with why (no data yet, too few viewers, the
 * video is gone or private): never an error, and never zeros standing in for no data.
 */
export type VideoReading =
  { externalId: string; figures: VideoFigures } | { externalId: string; notYet: string };

/**
 * One social platform: OAuth connect, then publishing a finished video. Adapters return a
 * refreshed grant whenever they renewed the tokens, so the caller can store it.
 */
export abstract class VideoPublisher {
  abstract readonly platform: SocialPlatform;
  abstract authorizeUrl(state: string, redirectUri: string): string;
  abstract exchangeCode(code: string, redirectUri: string): Promise<SocialGrant>;
  /** Renews the tokens when they are close to expiry; returns the same grant otherwise. */
  abstract fresh(grant: SocialGrant): Promise<SocialGrant>;
  /**
   * Starts (or, given the session of an earlier attempt, resumes) a publication. Tokens renewed
   * on the way (a 401 mid-upload) are handed to `onRefreshed` before publish returns or throws,
   * so the caller stores them and the next publication does not renew them again.
   */
  abstract publish(
    grant: SocialGrant,
    source: PublishSource,
    meta: PublishMeta,
    session: string | null,
    onSession?: (session: string) => Promise<void>,
    onRefreshed?: (grant: SocialGrant) => Promise<void>,
  ): Promise<PublishProgress>;
  /** how many videos one results request can carry (YouTube's videos.list takes 50 ids) */
  abstract readonly resultsBatch: number;
  /**
   * The figures of published videos (the `externalId`s publish returned), one reading per id,
   * in as few platform calls as the platform allows (ceil(n / resultsBatch)). A dead grant
   * throws CredentialRefusedError as publishing does.
   */
  abstract readResults(grant: SocialGrant, externalIds: string[]): Promise<VideoReading[]>;
}

/** The platforms this deployment publishes to (those whose app credentials are configured). */
export class VideoPublishers {
  constructor(private readonly list: VideoPublisher[]) {}

  get platforms(): SocialPlatform[] {
    return this.list.map((p) => p.platform);
  }

  find(platform: SocialPlatform): VideoPublisher | undefined {
    return this.list.find((p) => p.platform === platform);
  }
}
