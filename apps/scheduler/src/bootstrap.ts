import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, StartUpQuietLogger } from '@app/domain';
import { SchedulerModule } from './scheduler.module';

/** Builds the background app on the configuration given (main.ts loads it; a test builds its own). */
export async function createSchedulerApp(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(new StartUpQuietLogger(app.get(Logger)));
  return app;
}
