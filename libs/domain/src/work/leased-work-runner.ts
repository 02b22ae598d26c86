import { Logger } from '@nestjs/common';
import { holdLease } from '../leases/lease-heartbeat';
import { WorkResult } from './retry-policy';

/** What every row of leased work carries: who holds it, until when. */
export interface LeasedWorkRow {
  id: string;
  leaseOwner: string | null;
  leaseUntil: Date | null;
}

/** The repository of a kind of leased work, as the skeleton uses it (reads and fenced writes). */
export interface LeasedRows<R extends LeasedWorkRow> {
  findById(id: string): Promise<R | null>;
  extendLease(id: string, owner: string, leaseMs: number): Promise<boolean>;
  updateIfLeased(
    id: string,
    owner: string,
    patch: { leaseOwner: null; leaseUntil: null; nextRunAt: Date | null },
  ): Promise<boolean>;
}

/** One run of one claimed row: the row as claimed, whose lease it is, and when to stop. */
export interface WorkRun<R extends LeasedWorkRow> {
  row: R;
  leaseOwner: string;
  /** aborted when the process stops or the lease is taken over: local work ends at once */
  signal: AbortSignal;
}

/** Thrown by work that found its lease gone mid-run (a fenced write refused). */
export class LeaseLostError extends Error {
  constructor() {
    super('the lease was taken over by another worker');
  }
}

/**
 * The one skeleton of leased work (project steps, publications): the row's lease checked, its
 * heartbeat held while the work runs, the outcome written back only under the lease (fenced),
 * a failure handed to the kind's retry rules, and on shutdown the row given back for the next
 * run without counting the attempt. A kind says what its work is and how its rows are written;
 * state changes go through its repository's `transition()` and its own transition table.
 */
export abstract class LeasedWorkRunner<R extends LeasedWorkRow, O> {
  protected abstract readonly logger: Logger;
  /** aborted by stop(): work in flight ends its local part and gives its row back */
  private readonly stopping = new AbortController();

  constructor(
    /** 'project', 'publication': how logs name a row */
    private readonly kind: string,
    private readonly rows: LeasedRows<R>,
    private readonly leaseMs: number,
  ) {}

  /** false: the row's state has no work (it changed since the claim); the claim is let go */
  protected abstract hasWork(row: R): boolean;
  protected abstract perform(run: WorkRun<R>): Promise<O>;
  /** writes the outcome under the lease; 'lost-lease' when the fence refused it */
  protected abstract writeBack(
    run: WorkRun<R>,
    outcome: O,
    durationMs: number,
  ): Promise<WorkResult>;
  /** a failed run: retried later by the kind's policy, or failed for good, under the lease */
  protected abstract failed(run: WorkRun<R>, err: unknown): Promise<WorkResult>;
  /** every run, by its result (metrics) */
  protected observe(_run: WorkRun<R>, _result: WorkResult, _durationMs: number): void {}

  /** `claimed`: the row as its claim returned it (no read); else it is read here */
  protected async runLeased(id: string, leaseOwner: string, claimed?: R): Promise<WorkResult> {
    const row =
      claimed?.id === id && claimed.leaseOwner === leaseOwner
        ? claimed
        : await this.rows.findById(id);
    if (!row || row.leaseOwner !== leaseOwner || !row.leaseUntil || row.leaseUntil < new Date())
      return 'lost-lease';
    if (!this.hasWork(row)) {
      // nothing to run and nothing due: the row waits for whatever moves it next
      await this.rows.updateIfLeased(id, leaseOwner, { ...RELEASE, nextRunAt: null });
      return 'skipped';
    }
    const heartbeat = holdLease(
      `${this.kind} ${id}`,
      this.leaseMs,
      () => this.rows.extendLease(id, leaseOwner, this.leaseMs),
      this.logger,
    );
    const run: WorkRun<R> = {
      row,
      leaseOwner,
      signal: AbortSignal.any([this.stopping.signal, heartbeat.lost]),
    };
    const started = Date.now();
    let outcome: O;
    let result: WorkResult;
    try {
      outcome = await this.perform(run);
    } catch (err) {
      if (err instanceof LeaseLostError || heartbeat.lost.aborted) result = 'lost-lease';
      else if (this.stopping.signal.aborted) result = await this.giveBack(run);
      else result = await this.failed(run, err);
      this.observe(run, result, Date.now() - started);
      return result;
    } finally {
      heartbeat.stop();
    }
    // outside the catch: a failure to store the outcome (the DB gone) must not be taken for the
    // work failing; the lease runs out and recovery takes over
    result = await this.writeBack(run, outcome, Date.now() - started);
    this.observe(run, result, Date.now() - started);
    return result;
  }

  /**
   * The process is stopping: ends local work in flight (an FFmpeg render is killed); each run
   * then gives its row back for the next one, without counting the attempt.
   */
  stop(): void {
    this.stopping.abort();
  }

  private async giveBack(run: WorkRun<R>): Promise<WorkResult> {
    const { row, leaseOwner } = run;
    this.logger.log(`${this.kind} ${row.id} stopped by shutdown; released for the next run`);
    const ok = await this.rows.updateIfLeased(row.id, leaseOwner, {
      ...RELEASE,
      nextRunAt: new Date(),
    });
    return ok ? 'released' : 'lost-lease';
  }
}

/** The lease let go: written with every outcome of a run. */
export const RELEASE = { leaseOwner: null, leaseUntil: null };
