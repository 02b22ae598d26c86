import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError, NotFoundError } from '../../errors/domain-errors';
import { ownerOf } from '../../stores/owner';
import { ProjectState, StepName, TransitionCause } from '../project-state';
import { ProjectPatch, ProjectRepository } from '../project.repository';
import { stateAsShown } from '../presented-state';

/** Who acts on a project: its owner (another's project is not found), or ops on any project. */
export type Actor = Principal | 'admin';

/**
 * Refuses a change to what a video is made of (its clip, its engine or look) while its render
 * runs: the render keeps what it started with, so the finished video would not be what the
 * project then shows. Before the render starts, or once it is done, the change is taken.
 */
export function refuseWhileRendering(p: ProjectEntity, change: string): void {
  if (p.state === 'SONG_READY' && p.leaseOwner !== null)
    throw new ConflictError(
      `${change} cannot change while the video is being made (it is ${stateAsShown(p)}); once it is done, make a new video (POST /v1/projects/${p.id}/video)`,
    );
}

/** The caller's project; someone else's is "not found", never "forbidden". */
export async function ownedProject(
  projects: ProjectRepository,
  by: Principal,
  id: string,
): Promise<ProjectEntity> {
  const p = await projects.findOwned(id, ownerOf(by));
  if (!p) throw new NotFoundError(`project ${id} not found`);
  return p;
}

/** The project an actor may act on: the owner's own, or any for ops. */
export async function projectFor(
  projects: ProjectRepository,
  by: Actor,
  id: string,
): Promise<ProjectEntity> {
  if (by !== 'admin') return ownedProject(projects, by, id);
  const p = await projects.findById(id);
  if (!p) throw new NotFoundError(`project ${id} not found`);
  return p;
}

/** The row as a command left it (it exists: the command just changed it). */
export async function reread(projects: ProjectRepository, id: string): Promise<ProjectEntity> {
  return (await projects.findById(id))!;
}

/** The owner's remakes: from where, back to which state, to run which step again. */
const REMAKES = {
  regenerate_lyrics: { from: 'LYRICS_READY', to: 'STORE_READY', step: 'write_lyrics' },
  remake_song: { from: 'SONG_READY', to: 'LYRICS_READY', step: 'submit_song' },
  remake_video: { from: 'DONE', to: 'SONG_READY', step: 'submit_video' },
} as const satisfies Partial<
  Record<TransitionCause, { from: ProjectState; to: ProjectState; step: StepName }>
>;

/**
 * An owner's remake: the project goes back to the state a step runs from, due now, under a new
 * generation (`retries` + 1 gives the step's submissions new idempotency keys).
 */
export async function remake(
  projects: ProjectRepository,
  p: ProjectEntity,
  cause: keyof typeof REMAKES,
  patch: ProjectPatch = {},
): Promise<ProjectEntity> {
  const { from, to, step } = REMAKES[cause];
  const ok = await projects.transition(p.id, {
    from,
    to,
    cause,
    patch: { ...patch, step, stepAttempts: 0, retries: p.retries + 1, nextRunAt: new Date() },
  });
  if (!ok) throw new ConflictError('the project moved on meanwhile');
  return reread(projects, p.id);
}

/**
 * The owner's go-ahead at a stop: the project, still in `state`, is due now (recorded with the
 * request's Idempotency-Key in the same transaction). One that moved meanwhile is shown as it is.
 */
export async function goAhead(
  projects: ProjectRepository,
  id: string,
  state: ProjectState,
  patch: ProjectPatch = {},
): Promise<ProjectEntity> {
  await projects.goAhead(id, state, { ...patch, nextRunAt: new Date() });
  return reread(projects, id);
}
