import {
  AppConfig,
  DatabaseRouter,
  ProjectState,
  ProviderHealthService,
  quotaWindow,
  STEPS,
} from '@app/domain';
import {
  PipelineHealthRepository,
  ProjectEventRepository,
  ProjectRepository,
  PublicationRepository,
  UsageRepository,
  UserRepository,
} from '@app/domain/repositories';
import { DataVolume, emailLocalPartOf, HEAVY_PARTNER, HEAVY_USER } from './data-volume';

export interface HotQuery {
  name: string;
  run: () => Promise<unknown>;
  /** changes rows (a claim, a housekeeping job): the caller puts them back between runs */
  mutates?: boolean;
  /** indexes its plan must use (each on some table it reads, or `alias.index`; `a|b`: either) */
  indexes: string[];
  /** sorts what it read on purpose (a GROUP BY of a report's rows, not a table) */
  groups?: boolean;
}

/** The scheduler's claim groups: the states one provider's steps start from. */
export const CLAIM_GROUPS = Object.values(STEPS).reduce(
  (acc, s) => ((acc[s.provider] ??= []).push(s.from), acc),
  {} as Record<string, ProjectState[]>,
);

const DAY_MS = 86_400_000;

/**
 * The hot queries of issue #19, each through the repository method the app calls (so the SQL
 * is ours), on the data `v` generated; times come from its anchor.
 */
export function hotQueries(router: DatabaseRouter, config: AppConfig, v: DataVolume): HotQuery[] {
  const events = new ProjectEventRepository(router);
  const projects = new ProjectRepository(router, events);
  const usage = new UsageRepository(router, config);
  const users = new UserRepository(router);
  const health = new ProviderHealthService(
    config,
    new PipelineHealthRepository(router),
    new PublicationRepository(router),
    usage,
    { name: 'openai' } as never,
    { name: 'suno' } as never,
    { name: 'creatomate' } as never,
    { name: 'naver' } as never,
    { platforms: [] } as never,
  );
  const now = v.anchor;
  const user = { ownerUserId: HEAVY_USER, partnerId: null };
  const partner = { ownerUserId: null, partnerId: HEAVY_PARTNER };
  // cursors a tenth of the way from the oldest: deep into every list
  const deep = Math.floor(v.scale.projects / 10);
  const cursorAt = (n: number) => ({ createdAt: v.createdAt(n), id: v.projectId(n) });
  // this month so far: a copy with a month of history holds the same rows
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const older = v.firstLive - 100;
  const list: HotQuery[] = [
    {
      name: 'project by id',
      run: () => projects.findById(v.projectId(older)),
      indexes: ['PRIMARY'],
    },
    {
      name: "owner's list, first page",
      run: () => projects.listOwned(user, { limit: 20 }),
      indexes: ['ix_projects_owner_created'],
    },
    {
      name: "owner's list, deep cursor",
      run: () => projects.listOwned(user, { limit: 20, after: cursorAt(deep) }),
      indexes: ['ix_projects_owner_created'],
    },
    {
      name: "partner's list, deep cursor",
      run: () => projects.listOwned(partner, { limit: 20, after: cursorAt(deep) }),
      indexes: ['ix_projects_partner_created'],
    },
    {
      name: 'archive (projects with a video), deep cursor',
      run: () => projects.listOwned(user, { limit: 20, withVideo: true, after: cursorAt(deep) }),
      // most of an owner's projects have a video: walking their list in order is as good
      indexes: ['ix_projects_owner_created', 'ix_videos_project'],
    },
    {
      name: "owner's list by a rare state",
      run: () => projects.listOwned(user, { limit: 20, states: ['SONG_READY'] }),
      indexes: ['ix_projects_owner_state_created'],
    },
    {
      name: "partner's list by a rare state",
      run: () => projects.listOwned(partner, { limit: 20, states: ['STORE_READY'] }),
      indexes: ['ix_projects_partner_state_created'],
    },
    ...Object.entries(CLAIM_GROUPS).map(([provider, states]): HotQuery => ({
      name: `due-work claim: ${provider} (${states.join(', ')})`,
      run: () => projects.claimDue(`bench-claim:${provider}`, states, 8, 30_000, now),
      mutates: true,
      indexes: ['ix_projects_state_due'],
    })),
    {
      name: 'lease clearing',
      run: () => projects.clearExpiredLeases(now),
      mutates: true,
      indexes: ['ix_projects_lease_until'],
    },
    {
      name: 'admin projects, first page',
      run: () => projects.listAll({ limit: 20 }),
      indexes: ['ix_projects_created'],
    },
    {
      name: 'admin projects, deep cursor',
      run: () => projects.listAll({ limit: 20, after: cursorAt(deep) }),
      indexes: ['ix_projects_created'],
    },
    {
      name: 'admin FAILED, deep cursor',
      run: () => projects.listAll({ limit: 20, states: ['FAILED'], after: cursorAt(deep) }),
      indexes: ['ix_projects_state_created'],
    },
    {
      name: 'admin users, first page',
      run: () => users.list({ limit: 20 }),
      indexes: ['ix_users_deleted_created'],
    },
    {
      // a given name: two syllables, one gram whose rows are the matches
      name: 'admin user search, part of a nickname',
      run: () => users.list({ limit: 20, search: '민준' }),
      indexes: ['g.PRIMARY', 'u.PRIMARY'],
    },
    {
      // an old account by what its owner tells the admin: the walk reads its rarest gram's users
      name: 'admin user search, part of an email',
      run: () => users.list({ limit: 20, search: emailLocalPartOf(103) }),
      indexes: ['g.PRIMARY', 'u.PRIMARY'],
    },
    {
      name: 'admin usage per day (30 days)',
      run: () => usage.costByDay(new Date(now.getTime() - 30 * DAY_MS), now),
      indexes: ['ix_usage_created'],
      groups: true,
    },
    {
      name: 'cost report, this month',
      run: () => usage.costByDay(month, now),
      indexes: ['ix_usage_created'],
      groups: true,
    },
    {
      name: 'budget check',
      run: () => usage.spentSince('suno', quotaWindow(now).since),
      indexes: ['ix_usage_provider_created_cost'],
    },
    {
      name: 'provider health',
      run: () => health.report(now),
      indexes: ['ix_project_events_step_at_state', 'ix_projects_state_step_updated'],
    },
    {
      name: 'SSE catch-up',
      run: () => events.events(v.projectId(older), 0),
      indexes: ['ix_project_events_project'],
    },
  ];
  return list;
}
