import 'reflect-metadata';
import { loadEnvironmentOrExit } from '@app/domain/config/load-environment';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, StepRunner, stopOnSignals } from '@app/domain';

async function main(): Promise<void> {
  loadEnvironmentOrExit();
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { SchedulerModule } = await import('./scheduler.module');
  const app = await NestFactory.createApplicationContext(SchedulerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
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
