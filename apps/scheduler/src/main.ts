import 'reflect-metadata';
import { loadConfigOrExit } from '@app/domain/config/load-config';
import { Logger } from 'nestjs-pino';
import { StepRunner, stopOnSignals } from '@app/domain';

async function main(): Promise<void> {
  const config = loadConfigOrExit('scheduler');
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { createSchedulerApp } = await import('./bootstrap');
  const app = await createSchedulerApp(config);
  // renders in flight are aborted first; their projects go back for the next run
  stopOnSignals(app, {
    name: 'scheduler',
    timeoutMs: config.http.shutdownTimeoutMs,
    beforeClose: () => app.get(StepRunner).stop(),
  });
  app.get(Logger).log(`scheduler started (stage ${config.stage}, instance ${config.instanceId})`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
