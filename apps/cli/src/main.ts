#!/usr/bin/env node
import 'reflect-metadata';
import { loadEnvironmentOrExit } from '@app/domain/config/load-environment';
import { CommandFactory } from 'nest-commander';

async function main(): Promise<void> {
  loadEnvironmentOrExit();
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { CliModule } = await import('./cli.module');
  await CommandFactory.run(CliModule, {
    cliName: 'castad',
    logger: ['error', 'warn'],
    // commander has printed its own one-line error (or --help) already: only the exit code is left
    errorHandler: (err) => process.exit((err as Error & { exitCode?: number }).exitCode ?? 1),
    serviceErrorHandler: (err) => {
      console.error(err.message);
      process.exit(1);
    },
  });
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
