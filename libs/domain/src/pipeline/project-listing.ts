import type { ProjectEntity } from '../entities/project.entity';

/**
 * What a project shows in its owner's list (and the archive): the columns its answer, its
 * presented state (presentedProject), its progress (progressOf) and the page's cursor read.
 * The list reads only these: the other thirteen (keys, leases' history, provider task ids,
 * the quota's place) were sent by the database and parsed here for every row of every page.
 */
export const PROJECT_LISTING_COLUMNS = [
  'id',
  'storeId',
  'state',
  'step',
  'autopilot',
  'rerendering',
  'reportPercent',
  'options',
  'nextRunAt',
  'leaseOwner',
  'leaseUntil',
  'lastError',
  'waitReason',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof ProjectEntity)[];

/** A project as its owner's list reads it (PROJECT_LISTING_COLUMNS). */
export type ProjectListing = Pick<ProjectEntity, (typeof PROJECT_LISTING_COLUMNS)[number]>;
