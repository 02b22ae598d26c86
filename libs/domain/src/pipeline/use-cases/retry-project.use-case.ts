import { Injectable } from '@nestjs/common';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError } from '../../errors/domain-errors';
import { STEPS, StepName } from '../project-state';
import { ProjectRepository } from '../project.repository';
import { Actor, projectFor, reread } from './project-lookup';
import { stateAsShown } from '../presented-state';

/** Resumes a FAILED project from the step that failed (a failed provider task is submitted anew). */
@Injectable()
export class RetryProject {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(by: Actor, id: string): Promise<ProjectEntity> {
    const p = await projectFor(this.projects, by, id);
    if (p.state !== 'FAILED')
      throw new ConflictError(`only a FAILED project can be retried (it is ${stateAsShown(p)})`);
    const resume = resumeStep(p);
    const ok = await this.projects.transition(id, {
      from: 'FAILED',
      to: STEPS[resume].from,
      cause: 'retry',
      patch: {
        step: resume,
        stepAttempts: 0,
        retries: p.retries + 1,
        nextRunAt: new Date(),
        lastError: null,
        pendingSubmissionKey: null,
        pendingSubmissionAt: null,
        ...(resume === 'submit_song' ? { songTaskId: null } : {}),
        ...(resume === 'submit_video' ? { videoTaskId: null } : {}),
      },
    });
    if (!ok) throw new ConflictError('the project changed meanwhile');
    return reread(this.projects, id);
  }
}

/**
 * The step a retry starts from. A failed render is not polled again: its submission is redone.
 * A song task is read again first: when only its files expired, it hands out fresh URLs
 * without a new payment; when the task itself failed or is gone, poll_song generates anew.
 */
function resumeStep(p: ProjectEntity): StepName {
  const step = p.step ?? 'prepare_store';
  if (step === 'poll_song' && !p.songTaskId) return 'submit_song';
  if (step === 'poll_video') return 'submit_video';
  return step;
}
