/* bench:pool — stage 3 shape under load: 3 API instances on one primary; the primary's peak
   connections against the capacity planner's budget. */
import { planCapacity } from '../libs/domain/src/config/capacity';
import { load, report } from './common';
import { seedOwner, Stage3Stack } from './stage3-stack';

async function main(): Promise<void> {
  const stack = new Stage3Stack(2, { LOG_LEVEL: 'warn' });
  await stack.start();
  const db = stack.db;
  const { token } = await seedOwner(db.primary, 0);
  const ports = await stack.startApis(3);
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(
        peak,
        (await db.primary.globalStatus('Threads_connected')) - 1 - db.replicas.length,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    // writes (POST /v1/stores) go to the primary: the part of the load that uses its pool
    const results = await Promise.all(
      ports.map((p) =>
        load(
          `api :${p} POST /v1/stores`,
          `http://127.0.0.1:${p}/v1/stores`,
          { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          8,
          60,
          { name: '부하 가게' },
        ).catch((e) => ({
          name: String(e),
          reqPerSec: 0,
          p50ms: 0,
          p99ms: 0,
          errors: 1,
          non2xx: 0,
          total: 0,
        })),
      ),
    );
    sampling = false;
    await sampler;
    const budget = planCapacity('3', 3).primaryTotal;
    report('pool', results, {
      headline: `3 API instances under write load: primary peak ${peak} connections; planner budget ${budget} (the seed document: 128)`,
      goal: "the primary's peak connections within the capacity planner's budget",
      met: peak <= budget,
      primaryPeakConnections: peak,
      plannerBudget: budget,
      documentPrimaryTotal: 128,
    });
  } finally {
    sampling = false;
    await stack.destroy();
  }
}

void main();
