import { Command, Option } from 'nest-commander';
import { CancelProject, PROJECT_STATES, RequeueProjects, RetryProject } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

@Command({
  name: 'project:retry',
  arguments: '<projectId>',
  description: 'resume a FAILED project from its failed step',
})
export class ProjectRetryCommand extends JsonCommand {
  constructor(private readonly retry: RetryProject) {
    super();
  }

  async run([id]: string[], opts: { json?: boolean }): Promise<void> {
    const p = await this.retry.execute('admin', id);
    printRows([{ id: p.id, state: p.state, step: p.step }], Boolean(opts.json));
  }
}

@Command({
  name: 'project:cancel',
  arguments: '<projectId>',
  description: 'stop a project (a provider task in flight is abandoned)',
})
export class ProjectCancelCommand extends JsonCommand {
  constructor(private readonly cancel: CancelProject) {
    super();
  }

  async run([id]: string[], opts: { json?: boolean }): Promise<void> {
    const p = await this.cancel.execute('admin', id);
    printRows([{ id: p.id, state: p.state }], Boolean(opts.json));
  }
}

@Command({
  name: 'project:requeue',
  arguments: '[projectIds...]',
  description:
    'hand projects back to the scheduler: by id, or by --state and --since (FAILED ones are retried). --dry-run lists them and changes nothing',
})
export class ProjectRequeueCommand extends JsonCommand {
  constructor(private readonly requeue: RequeueProjects) {
    super();
  }

  @Option({
    flags: '--state <state>',
    description: `only projects in this state (${PROJECT_STATES.join(', ')})`,
  })
  parseState(v: string): string {
    if (!(PROJECT_STATES as readonly string[]).includes(v))
      throw new Error(`--state must be one of ${PROJECT_STATES.join(', ')}`);
    return v;
  }

  @Option({
    flags: '--since <time>',
    description: 'only projects changed at or after this ISO time, e.g. 2026-11-25T00:00:00Z',
  })
  parseSince(v: string): Date {
    const d = new Date(v);
    if (Number.isNaN(d.getTime()))
      throw new Error('--since must be an ISO date-time, e.g. 2026-11-25T00:00:00Z');
    return d;
  }

  @Option({ flags: '--dry-run', description: 'list what would be requeued; change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  async run(
    ids: string[],
    opts: { json?: boolean; state?: string; since?: Date; dryRun?: boolean },
  ): Promise<void> {
    if (!ids.length && !opts.state && !opts.since)
      throw new Error(
        'name projects, or filter with --state and/or --since (use --dry-run to look first)',
      );
    const plan = await this.requeue.execute(
      { ids, state: opts.state, since: opts.since },
      Boolean(opts.dryRun),
    );
    printRows(
      plan.map((p) => ({ ...p, done: !opts.dryRun && p.action !== 'skip' })),
      Boolean(opts.json),
    );
  }
}

export const PROJECT_COMMANDS = [ProjectRetryCommand, ProjectCancelCommand, ProjectRequeueCommand];
