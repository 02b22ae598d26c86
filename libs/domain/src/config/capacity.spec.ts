import { planCapacity } from './capacity';

describe('the capacity planner', () => {
  it('counts stage 3 with 8 API instances: 8 x 10 + the scheduler 6 + the CLI 2 per node', () => {
    const p = planCapacity('3', 8);
    expect(p).toMatchObject({
      apiPoolPerNode: 10,
      schedulerPoolPerNode: 6,
      primaryTotal: 88,
      perReplicaTotal: 88,
      replicas: 2,
      maxConnections: 300,
      fits: true,
    });
    // fewer than the document's 128: API instances hold no background pool
    expect(p.primaryTotal).toBeLessThan(p.document.primaryTotal);
  });

  it.each([
    ['1', 1, 40 + 20 + 2],
    ['2', 4, 4 * 20 + 10 + 2],
  ] as const)('stage %s with %i API instances needs %i', (stage, n, total) => {
    expect(planCapacity(stage, n).primaryTotal).toBe(total);
  });

  it('says when the server cannot take it', () => {
    expect(planCapacity('3', 30, 300).fits).toBe(false);
    expect(planCapacity('3', 8, 90).fits).toBe(false);
  });
});
