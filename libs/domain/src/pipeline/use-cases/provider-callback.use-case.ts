import { Injectable } from '@nestjs/common';
import { SongEngine, Usage, VideoRenderer } from '@app/integrations';
import { ProjectEntity } from '../../entities/project.entity';
import { NotFoundError } from '../../errors/domain-errors';
import { lengthSecOf } from '../project-options';
import { ProjectState, STEP_FOR_STATE, StepName } from '../project-state';
import { ProjectPatch, ProjectRepository } from '../project.repository';
import { CallbackLane } from '../steps/submission-guard';
import { BudgetHoldRepository } from '../budget-hold.repository';
import { UsageRepository } from '../usage.repository';

interface Lane {
  /** the state a submission starts from, and the one its task is waited on in */
  before: ProjectState;
  submitted: ProjectState;
  submit: StepName;
  taskId: (id: string) => ProjectPatch;
}

const LANES: Record<CallbackLane, Lane> = {
  song: {
    before: 'LYRICS_READY',
    submitted: 'SONG_SUBMITTED',
    submit: 'submit_song',
    taskId: (songTaskId) => ({ songTaskId }),
  },
  video: {
    before: 'SONG_READY',
    submitted: 'VIDEO_SUBMITTED',
    submit: 'submit_video',
    taskId: (videoTaskId) => ({ videoTaskId }),
  },
};

export interface ProviderCallbackInput {
  lane: CallbackLane;
  projectId: string;
  token: string;
  /** the submission's idempotency key, from the callback URL */
  key: string | undefined;
  /** the provider's body, read by the lane's engine */
  body: unknown;
}

/**
 * A provider's callback: the per-project token is checked, then it only brings the poll
 * forward — or, after a crash lost the submission's answer, tells us the task id.
 */
@Injectable()
export class ProviderCallback {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly usage: UsageRepository,
    private readonly holds: BudgetHoldRepository,
    private readonly song: SongEngine,
    private readonly video: VideoRenderer,
  ) {}

  async execute(input: ProviderCallbackInput): Promise<void> {
    const { lane: name, projectId: id, key } = input;
    const lane = LANES[name];
    const p = await this.projects.findById(id);
    if (!p || !safeEqual(p.callbackToken, input.token)) throw new NotFoundError('unknown callback');
    const engine = this.engineOf(name);
    const taskId = engine.taskIdFromCallback(input.body);
    if (p.state === lane.before && key && p.pendingSubmissionKey === key && taskId) {
      const adopted = await this.projects.transition(id, {
        from: lane.before,
        to: lane.submitted,
        cause: lane.submit,
        patch: {
          ...lane.taskId(taskId),
          step: STEP_FOR_STATE[lane.submitted],
          stepAttempts: 0,
          pendingSubmissionKey: null,
          pendingSubmissionAt: null,
          nextRunAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
        },
        message: 'task id recovered from the provider callback',
      });
      // the submission's answer was lost, not its charge: metered now, under the engine, and
      // the budget it held while in doubt freed
      if (adopted) {
        await this.meter(p, engine.name, lane.submit, key, engine.recoveredUsage(lengthOf(p)));
        await this.holds.release(engine.name, key);
      }
      return;
    }
    await this.projects.pollSoon(id, [lane.submitted]);
  }

  private engineOf(lane: CallbackLane): SongEngine | VideoRenderer {
    return lane === 'song' ? this.song : this.video;
  }

  private meter(p: ProjectEntity, provider: string, step: StepName, key: string, usage: Usage) {
    return this.usage.recovered({
      projectId: p.id,
      userId: p.ownerUserId,
      provider,
      operation: step,
      unit: usage.unit,
      units: usage.units,
      idempotencyKey: key,
    });
  }
}

const lengthOf = (p: ProjectEntity) => ({ lengthSec: lengthSecOf(p.options) });

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}
