import { Logger } from '@nestjs/common';
import { LeasedWorkRunner, LeaseLostError, LeasedWorkRow, WorkRun } from './leased-work-runner';
import { WorkResult } from './retry-policy';

interface Row extends LeasedWorkRow {
  state: 'live' | 'done';
  nextRunAt: Date | null;
  written?: string;
}

/** The rows of a kind of leased work, in memory, with the repository's fencing. */
class InMemoryRows {
  extendHeld = true;
  constructor(readonly row: Row) {}
  async findById() {
    return { ...this.row };
  }
  async extendLease() {
    return this.extendHeld;
  }
  async updateIfLeased(_id: string, owner: string, patch: Partial<Row>) {
    if (this.row.leaseOwner !== owner) return false;
    Object.assign(this.row, patch);
    return true;
  }
}

/** A kind of leased work whose work is the function it is given. */
class TestRunner extends LeasedWorkRunner<Row, string> {
  protected readonly logger = new Logger('TestRunner');
  readonly observed: WorkResult[] = [];
  readonly store: InMemoryRows;
  constructor(
    row: Row,
    private readonly work: (run: WorkRun<Row>) => Promise<string>,
    rows = new InMemoryRows(row),
  ) {
    super('row', rows, 300);
    this.store = rows;
  }
  get row() {
    return this.store.row;
  }
  set extendHeld(held: boolean) {
    this.store.extendHeld = held;
  }
  run(id: string, owner: string, claimed?: Row) {
    return this.runLeased(id, owner, claimed);
  }
  protected hasWork(row: Row) {
    return row.state === 'live';
  }
  protected perform(run: WorkRun<Row>) {
    return this.work(run);
  }
  protected async writeBack(_run: WorkRun<Row>, outcome: string): Promise<WorkResult> {
    this.row.written = outcome;
    return 'advanced';
  }
  protected async failed(_run: WorkRun<Row>, err: unknown): Promise<WorkResult> {
    this.row.written = `failed: ${(err as Error).message}`;
    return 'retrying';
  }
  protected override observe(_run: WorkRun<Row>, result: WorkResult) {
    this.observed.push(result);
  }
}

const leased = (over: Partial<Row> = {}): Row => ({
  id: 'r1',
  state: 'live',
  leaseOwner: 'me:1',
  leaseUntil: new Date(Date.now() + 30_000),
  nextRunAt: new Date(0),
  ...over,
});

describe('LeasedWorkRunner, the skeleton of every kind of leased work', () => {
  it('runs the work under the lease and writes its outcome back', async () => {
    const t = new TestRunner(leased(), async () => 'done it');
    expect(await t.run('r1', 'me:1')).toBe('advanced');
    expect(t.row.written).toBe('done it');
    expect(t.observed).toEqual(['advanced']);
  });

  it('runs nothing on a lease that is another’s or expired, and lets go of a row without work', async () => {
    const work = jest.fn(async () => 'x');
    expect(await new TestRunner(leased({ leaseOwner: 'other:2' }), work).run('r1', 'me:1')).toBe(
      'lost-lease',
    );
    const expired = leased({ leaseUntil: new Date(Date.now() - 1) });
    expect(await new TestRunner(expired, work).run('r1', 'me:1')).toBe('lost-lease');
    const done = new TestRunner(leased({ state: 'done' }), work);
    expect(await done.run('r1', 'me:1')).toBe('skipped');
    expect(done.row).toMatchObject({ leaseOwner: null, leaseUntil: null, nextRunAt: null });
    expect(work).not.toHaveBeenCalled();
  });

  it('hands a failure to the kind’s retry rules, and a lost lease to no one', async () => {
    const failing = new TestRunner(leased(), async () => {
      throw new Error('boom');
    });
    expect(await failing.run('r1', 'me:1')).toBe('retrying');
    expect(failing.row.written).toBe('failed: boom');
    const fenced = new TestRunner(leased(), async () => {
      throw new LeaseLostError();
    });
    expect(await fenced.run('r1', 'me:1')).toBe('lost-lease');
    expect(fenced.row.written).toBeUndefined();
    expect(fenced.observed).toEqual(['lost-lease']);
  });

  it('aborts the work when the heartbeat finds the lease taken over', async () => {
    const t = new TestRunner(
      leased(),
      ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    t.extendHeld = false;
    expect(await t.run('r1', 'me:1')).toBe('lost-lease');
    expect(t.row.written).toBeUndefined();
  });

  it('on stop, ends the work in flight and gives the row back without counting the attempt', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const t = new TestRunner(leased(), ({ signal }) => {
      started();
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('killed'))),
      );
    });
    const result = t.run('r1', 'me:1');
    await running;
    t.stop();
    expect(await result).toBe('released');
    // released, due now, and no outcome written (so no attempt counted)
    expect(t.row).toMatchObject({ leaseOwner: null, leaseUntil: null });
    expect(t.row.nextRunAt!.getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(t.row.written).toBeUndefined();
  });
});
