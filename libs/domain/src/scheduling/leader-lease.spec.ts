import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { LeaderLease } from './leader-lease';
import { LeaderLeaseRepository } from './leader-lease.repository';

/** One lease row in memory, with the repository's guarded acquire and take-over. */
class LeasesDouble {
  row: { owner: string; leaseUntil: Date } | null = null;
  async acquire(_name: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.row && this.row.owner !== owner && this.row.leaseUntil.getTime() >= Date.now())
      return false;
    this.row = { owner, leaseUntil: new Date(Date.now() + ttlMs) };
    return true;
  }
  async current() {
    return this.row;
  }
  async takeOver(_name: string, from: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.row?.owner !== from) return false;
    this.row = { owner, leaseUntil: new Date(Date.now() + ttlMs) };
    return true;
  }
  async release(_name: string, owner: string): Promise<void> {
    if (this.row?.owner === owner) this.row = { owner, leaseUntil: new Date(0) };
  }
}

const LEASE_MS = 20_000;
const me = `${hostname()}-${process.pid}`;
/** an earlier run of this process on this host: its pid has exited */
const deadPredecessor = `${hostname()}-${spawnSync(process.execPath, ['-e', '0']).pid}`;

function setup() {
  const leases = new LeasesDouble();
  return { leases, lease: new LeaderLease(leases as unknown as LeaderLeaseRepository) };
}

describe('LeaderLease', () => {
  it('holds a free lease, and renews its own', async () => {
    const { lease, leases } = setup();
    expect(await lease.renew('scheduler', me, LEASE_MS)).toEqual({ held: true });
    expect(await lease.renew('scheduler', me, LEASE_MS)).toEqual({ held: true });
    expect(leases.row?.owner).toBe(me);
  });

  it("waits out another live scheduler's lease", async () => {
    const { lease, leases } = setup();
    leases.row = { owner: 'other-host-1', leaseUntil: new Date(Date.now() + 1_000) };
    expect(await lease.renew('scheduler', me, LEASE_MS)).toEqual({ held: false });
    expect(leases.row.owner).toBe('other-host-1');
  });

  it("takes its own dead predecessor's lease at once when it has missed two renewals", async () => {
    const { lease, leases } = setup();
    // less than half a lease left: two quarter-lease renewals missed
    leases.row = { owner: deadPredecessor, leaseUntil: new Date(Date.now() + LEASE_MS / 4) };
    expect(await lease.renew('scheduler', me, LEASE_MS)).toEqual({
      held: true,
      tookOverFrom: deadPredecessor,
    });
    expect(leases.row?.owner).toBe(me);
  });

  it("leaves a predecessor's lease that was renewed lately: it may not be dead long", async () => {
    const { lease, leases } = setup();
    leases.row = { owner: deadPredecessor, leaseUntil: new Date(Date.now() + LEASE_MS) };
    expect(await lease.renew('scheduler', me, LEASE_MS)).toEqual({ held: false });
  });

  it("never takes over a silent lease of another host's scheduler before it expires", async () => {
    const { lease, leases } = setup();
    leases.row = { owner: 'other-host-1', leaseUntil: new Date(Date.now() + 1_000) };
    expect(await lease.renew('scheduler', me, LEASE_MS)).toEqual({ held: false });
  });

  it('gives the lease up at shutdown', async () => {
    const { lease, leases } = setup();
    await lease.renew('scheduler', me, LEASE_MS);
    await lease.release('scheduler', me);
    expect(await lease.renew('scheduler', 'other-host-1', LEASE_MS)).toEqual({ held: true });
    expect(leases.row?.owner).toBe('other-host-1');
  });
});
