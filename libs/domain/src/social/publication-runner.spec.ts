import {
  CredentialRefusedError,
  ProviderLimitWaitError,
  ProviderRejectedError,
  ProviderUnavailableError,
  PublishProgress,
  SocialGrant,
} from '@app/integrations';
import type { AppConfig } from '../config/app-config';
import type { SnsUploadEntity } from '../entities/social.entity';
import { PublicationRunner } from './publication-runner';
import { assertPublicationTransition } from './publication-state';
import type { PublicationPatch, PublicationTransition } from './publication.repository';

/** Publications in memory, with the repository's fencing. */
class InMemoryPublications {
  readonly rows = new Map<string, SnsUploadEntity>();
  async findById(id: string) {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }
  async updateIfLeased(id: string, owner: string, patch: PublicationPatch) {
    const r = this.rows.get(id);
    if (!r || r.leaseOwner !== owner) return false;
    Object.assign(r, patch);
    return true;
  }
  /** the gate: asserts the table, and moves the row only from `from` under the lease */
  async transition(id: string, t: PublicationTransition) {
    assertPublicationTransition(t.from, t.to, t.cause);
    const r = this.rows.get(id);
    if (!r || r.state !== t.from || (t.leaseOwner && r.leaseOwner !== t.leaseOwner)) return false;
    Object.assign(r, t.patch, { state: t.to });
    return true;
  }
  async extendLease() {
    return true;
  }
  readonly parkedFor: string[] = [];
  async parkFor(accountId: string, reason: string) {
    this.parkedFor.push(accountId);
    for (const r of this.rows.values())
      if (r.socialAccountId === accountId && ['queued', 'processing'].includes(r.state))
        Object.assign(r, { state: 'parked', lastError: reason, nextRunAt: null });
    return 1;
  }
}

const config = {
  pipeline: { leaseMs: 30_000, maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 60_000 },
  publishPollMs: 5000,
} as AppConfig;

function setup(
  publish: (
    session: string | null,
    onRefreshed?: (grant: SocialGrant) => Promise<void>,
  ) => Promise<PublishProgress>,
) {
  const publications = new InMemoryPublications();
  publications.rows.set('u1', {
    id: 'u1',
    projectId: 'p1',
    socialAccountId: 'a1',
    platform: 'youtube',
    state: 'queued',
    title: 'title',
    description: null,
    privacy: 'private',
    externalId: null,
    postUrl: null,
    lastError: null,
    nextRunAt: new Date(),
    session: null,
    tags: '[]',
    attempts: 0,
    ownerUserId: 'owner',
    leaseOwner: 'me:1',
    leaseUntil: new Date(Date.now() + 30_000),
  } as SnsUploadEntity);
  const metered: unknown[] = [];
  /** accounts whose results reader was made due (a video of theirs was published) */
  const readersDue: { id: string; platform: string; at: Date }[] = [];
  const account = {
    id: 'a1',
    platform: 'youtube',
    reconnectNeededAt: null as Date | null,
    reconnectReason: null as string | null,
    publishingPartnerId: null as string | null,
  };
  /** whose video it is: a partner's, or (null) a user's */
  const project = { partnerId: null as string | null };
  let publishCalls = 0;
  /** grants stored for an account, as `account id: access token` */
  const renewed: string[] = [];
  const runner = new PublicationRunner(
    config,
    publications as never,
    {
      findById: async () => ({ ...account }),
      markReconnectNeeded: async (_id: string, reason: string) =>
        Object.assign(account, { reconnectNeededAt: new Date(), reconnectReason: reason }),
    } as never,
    {
      freshGrant: async () => ({ accessToken: 't' }),
      saveRenewed: async (a: { id: string }, g: SocialGrant) =>
        void renewed.push(`${a.id}: ${g.accessToken}`),
      publisher: () => ({
        publish: (
          _g: unknown,
          _s: unknown,
          _m: unknown,
          session: string | null,
          _onSession: unknown,
          onRefreshed?: (grant: SocialGrant) => Promise<void>,
        ) => (publishCalls++, publish(session, onRefreshed)),
      }),
    } as never,
    { video: async () => ({ blobKey: 'v.mp4' }) } as never,
    { get: async () => undefined, readUrl: async () => 'http://x' } as never,
    { find: async () => ({ bytes: 10 }) } as never,
    { record: async (r: unknown) => void metered.push(r) } as never,
    {
      dueBy: async (id: string, platform: string, at: Date) =>
        void readersDue.push({ id, platform, at }),
    } as never,
    { findById: async () => ({ ...project }) } as never,
  );
  const row = () => publications.rows.get('u1')!;
  const relet = () =>
    Object.assign(row(), { leaseOwner: 'me:1', leaseUntil: new Date(Date.now() + 30_000) });
  return {
    runner,
    row,
    relet,
    metered,
    account,
    project,
    publications,
    renewed,
    readersDue,
    calls: () => publishCalls,
  };
}

describe('PublicationRunner', () => {
  it('stores the tokens the platform renewed mid-upload, so the next upload does not renew them', async () => {
    const t = setup(async (_session, onRefreshed) => {
      await onRefreshed?.({ accessToken: 't2' } as SocialGrant);
      return { status: 'published', externalId: 'yt1', postUrl: 'https://youtu.be/yt1' };
    });
    expect(await t.runner.run('u1', 'me:1')).toBe('advanced');
    expect(t.renewed).toEqual(['a1: t2']);
  });

  it("publishes a partner's video only while the account's owner still lets that partner publish", async () => {
    const published = async (): Promise<PublishProgress> => ({
      status: 'published',
      externalId: 'yt1',
      postUrl: 'https://youtu.be/yt1',
    });
    const allowed = setup(published);
    Object.assign(allowed.project, { partnerId: 'agency' });
    Object.assign(allowed.account, { publishingPartnerId: 'agency' });
    expect(await allowed.runner.run('u1', 'me:1')).toBe('advanced');
    expect(allowed.row().state).toBe('published');

    // the owner took the consent back (or gave it to another partner) after the request
    const withdrawn = setup(published);
    Object.assign(withdrawn.project, { partnerId: 'agency' });
    Object.assign(withdrawn.account, { publishingPartnerId: 'other' });
    await withdrawn.runner.run('u1', 'me:1');
    expect(withdrawn.calls()).toBe(0);
    expect(withdrawn.row()).toMatchObject({
      state: 'failed',
      lastError: expect.stringMatching(/no longer lets this partner publish/),
    });
  });

  it('publishes, releases the lease and meters the upload once', async () => {
    const t = setup(async () => ({
      status: 'published',
      externalId: 'yt1',
      postUrl: 'https://youtu.be/yt1',
    }));
    const before = Date.now();
    expect(await t.runner.run('u1', 'me:1')).toBe('advanced');
    // its results are read back from an hour after publication, by its account's reader
    const publishedAt = t.row().publishedAt!.getTime();
    expect(publishedAt).toBeGreaterThanOrEqual(before);
    expect(t.row().resultsDueAt).toEqual(new Date(publishedAt + 3_600_000));
    expect(t.readersDue).toEqual([
      { id: 'a1', platform: 'youtube', at: new Date(publishedAt + 3_600_000) },
    ]);
    expect(t.row()).toMatchObject({
      state: 'published',
      externalId: 'yt1',
      leaseOwner: null,
      nextRunAt: null,
    });
    expect(t.metered).toEqual([
      expect.objectContaining({ provider: 'youtube', idempotencyKey: 'publish:u1' }),
    ]);
  });

  it("waits on the platform's processing with its session, then finishes from it", async () => {
    const sessions: (string | null)[] = [];
    let processing = true;
    const t = setup(async (session) => {
      sessions.push(session);
      return processing
        ? { status: 'processing', session: 'container-9' }
        : { status: 'published', externalId: 'ig1', postUrl: 'https://instagram.com/p/ig1' };
    });
    expect(await t.runner.run('u1', 'me:1')).toBe('waiting');
    expect(t.row()).toMatchObject({
      state: 'processing',
      session: 'container-9',
      leaseOwner: null,
    });
    processing = false;
    t.relet();
    expect(await t.runner.run('u1', 'me:1')).toBe('advanced');
    expect(sessions).toEqual([null, 'container-9']);
  });

  it('retries an outage with the pipeline policy, then fails with the reason', async () => {
    const t = setup(async () => {
      throw new ProviderUnavailableError('youtube', 'YouTube answered 503');
    });
    expect(await t.runner.run('u1', 'me:1')).toBe('retrying');
    expect(t.row()).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastError: 'YouTube answered 503',
    });
    t.relet();
    expect(await t.runner.run('u1', 'me:1')).toBe('retrying');
    t.relet();
    expect(await t.runner.run('u1', 'me:1')).toBe('failed');
    expect(t.row()).toMatchObject({
      state: 'failed',
      lastError: 'gave up after 3 attempts: YouTube answered 503',
    });
    expect(t.metered).toEqual([]);
  });

  it('publishes the same container again while Instagram says the media is not ready, then gives up saying why', async () => {
    const sessions: (string | null)[] = [];
    const t = setup(async (session) => {
      sessions.push(session);
      throw new ProviderUnavailableError(
        'instagram',
        'Instagram has not finished preparing the video for publishing (code 9007, subcode 2207027)',
        30,
      );
    });
    t.row().session = 'container-7';
    expect(await t.runner.run('u1', 'me:1')).toBe('retrying');
    expect(t.row().nextRunAt!.getTime()).toBeGreaterThanOrEqual(Date.now() + 29_000);
    t.relet();
    await t.runner.run('u1', 'me:1');
    t.relet();
    expect(await t.runner.run('u1', 'me:1')).toBe('failed');
    expect(sessions).toEqual(['container-7', 'container-7', 'container-7']);
    expect(t.row().lastError).toMatch(/^gave up after 3 attempts: Instagram has not finished/);
  });

  it('fails at once on a refusal, and writes nothing once its lease is gone', async () => {
    const t = setup(async () => {
      throw new ProviderRejectedError('youtube', 'the video was refused');
    });
    t.row().leaseOwner = 'other:2';
    expect(await t.runner.run('u1', 'me:1')).toBe('lost-lease');
    expect(t.row().state).toBe('queued');
    t.relet();
    expect(await t.runner.run('u1', 'me:1')).toBe('failed');
    expect(t.row()).toMatchObject({ state: 'failed', lastError: 'the video was refused' });
  });

  it('parks the publication and marks the account when the grant is dead, then asks the platform nothing', async () => {
    const t = setup(async () => {
      throw new CredentialRefusedError(
        'youtube',
        'YouTube access was revoked or expired: connect the account again',
      );
    });
    expect(await t.runner.run('u1', 'me:1')).toBe('waiting');
    expect(t.row()).toMatchObject({
      state: 'parked',
      nextRunAt: null,
      leaseOwner: null,
      lastError: 'YouTube access was revoked or expired: connect the account again',
    });
    expect(t.account.reconnectNeededAt).toBeInstanceOf(Date);
    expect(t.publications.parkedFor).toEqual(['a1']);
    expect(t.calls()).toBe(1);
    // another of its publications, claimed later: parked without a call to the platform
    Object.assign(t.row(), { state: 'queued' });
    t.relet();
    expect(await t.runner.run('u1', 'me:1')).toBe('waiting');
    expect(t.row().state).toBe('parked');
    expect(t.calls()).toBe(1);
    expect(t.metered).toEqual([]);
  });

  it("waits out a platform's publishing limit for as long as it takes, never failing for it", async () => {
    const t = setup(async () => {
      throw new ProviderLimitWaitError(
        'instagram',
        'waiting: Instagram allows 50 API posts per account in 24 hours and 50 were used',
        3600,
      );
    });
    for (let i = 0; i < config.pipeline.maxAttempts + 2; i++) {
      t.relet();
      expect(await t.runner.run('u1', 'me:1')).toBe('waiting');
    }
    expect(t.row()).toMatchObject({ state: 'queued', attempts: 0 });
    expect(t.row().nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });
});
