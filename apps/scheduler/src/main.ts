import 'reflect-metadata';
import { loadConfigOrExit } from '@app/domain/config/load-config';
import { Logger } from 'nestjs-pino';
import { StepRunner, stopOnSignals } from '@app/domain';

async function main(): Promise<void> {
  // `--worker` (npm run start:worker): stage 3's render hosts, working Bull queues only
  const config = loadConfigOrExit(process.argv.includes('--worker') ? 'worker' : 'scheduler');
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { createSchedulerApp } = await import('./bootstrap');
  const app = await createSchedulerApp(config);
  // renders in flight are aborted first; their projects go back for the next run
  stopOnSignals(app, {
    name: config.role,
    timeoutMs: config.http.shutdownTimeoutMs,
    beforeClose: () => app.get(StepRunner).stop(),
  });
  const queues =
    config.role === 'worker' ? `, queues ${config.scheduler.workQueues.join(',')}` : '';
  app
    .get(Logger)
    .log(`${config.role} started (stage ${config.stage}, instance ${config.instanceId}${queues})`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
