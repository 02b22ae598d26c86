import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../accounts/principal';
import { SnsUploadEntity } from '../entities/social.entity';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/domain-errors';
import { ContentRepository } from '../pipeline/content.repository';
import { ProjectEntity } from '../entities/project.entity';
import { ProjectRepository } from '../pipeline/project.repository';
import { ownerOf } from '../stores/owner';
import { StoreRepository } from '../stores/store.repository';
import { defaultCaption, defaultTitle } from './ai-disclosure';
import { PublicationRepository } from './publication.repository';
import { SocialAccountRepository } from './social-account.repository';
import { SocialService } from './social.service';

export interface UploadRequest {
  accounts: string[];
  title: string;
  /** the caption as the owner left it, published as it is; none: the default caption (with the AI notice) */
  description?: string;
  tags?: string[];
  privacy: 'private' | 'unlisted' | 'public';
}

/** What the app prefills in the publish form: the owner edits it, or sends it as it is. */
export interface UploadDraft {
  title: string;
  description: string;
  tags: string[];
}

/**
 * Publishing finished videos to connected accounts: a request makes one row per account, which
 * the scheduler then runs as leased work (PublicationRunner). A user publishes their videos to
 * their accounts; a partner key (scope `publish`) the partner's videos to the accounts whose
 * owners let that partner publish there.
 */
@Injectable()
export class PublicationService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
    private readonly accounts: SocialAccountRepository,
    private readonly social: SocialService,
    private readonly publications: PublicationRepository,
    private readonly stores: StoreRepository,
  ) {}

  /** The title and caption a publish form starts from; the caption carries the AI notice. */
  async draft(by: Principal, projectId: string): Promise<UploadDraft> {
    return this.draftFor(await this.finished(by, projectId));
  }

  async request(by: Principal, projectId: string, req: UploadRequest): Promise<SnsUploadEntity[]> {
    const project = await this.finished(by, projectId);
    const description = req.description ?? (await this.draftFor(project)).description;
    const accounts = [];
    for (const id of new Set(req.accounts)) {
      const a = await this.accounts.findPublishable(id, by);
      if (!a) throw new NotFoundError(`no connected account ${id}`, { field: 'accounts' });
      this.social.publisher(a.platform);
      accounts.push(a);
    }
    if (accounts.length === 0)
      throw new InvalidInputError('accounts must name at least one connected account', {
        field: 'accounts',
      });
    const now = new Date();
    // a millisecond apart, so listing them by creation keeps the order they were asked in
    const rows = accounts.map((a, i) =>
      Object.assign(new SnsUploadEntity(), {
        createdAt: new Date(now.getTime() + i),
        updatedAt: now,
        id: randomUUID(),
        projectId,
        socialAccountId: a.id,
        platform: a.platform,
        state: 'queued',
        title: req.title,
        description,
        tags: JSON.stringify(req.tags ?? []),
        privacy: req.privacy,
        externalId: null,
        postUrl: null,
        lastError: null,
        nextRunAt: now,
        session: null,
        attempts: 0,
        // the account's owner: a partner publishes for them, with their consent
        ownerUserId: a.userId,
      }),
    );
    await this.publications.add(rows);
    return rows;
  }

  private async draftFor(project: ProjectEntity): Promise<UploadDraft> {
    const store = await this.stores.findById(project.storeId);
    if (!store) throw new NotFoundError('the project’s store was deleted');
    return { title: defaultTitle(store), description: defaultCaption(store), tags: [] };
  }

  /** The caller's project, finished with a video: only such a project can be published. */
  private async finished(by: Principal, projectId: string): Promise<ProjectEntity> {
    const project = await this.projects.findOwned(projectId, ownerOf(by));
    if (!project) throw new NotFoundError('project not found');
    if (project.state !== 'DONE')
      throw new ConflictError(
        `the project is ${project.state}: only a finished video can be published`,
      );
    if (!(await this.content.video(projectId))) throw new ConflictError('the project has no video');
    return project;
  }

  /** Publications the caller asked for (a replayed request shows them as they are now). */
  async byIds(by: Principal, ids: string[]): Promise<SnsUploadEntity[]> {
    const rows = ids.length ? await this.publications.findByIds(ids) : [];
    // of the caller's projects only
    const mine = new Set<string>();
    for (const projectId of new Set(rows.map((r) => r.projectId)))
      if (await this.projects.findOwned(projectId, ownerOf(by))) mine.add(projectId);
    const owned = rows.filter((r) => mine.has(r.projectId));
    if (owned.length === 0) throw new NotFoundError('no such publication');
    return owned;
  }

  async list(by: Principal, projectId: string): Promise<SnsUploadEntity[]> {
    const project = await this.projects.findOwned(projectId, ownerOf(by));
    if (!project) throw new NotFoundError('project not found');
    return this.publications.forProject(projectId);
  }
}
