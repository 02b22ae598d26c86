#!/usr/bin/env node
import 'reflect-metadata';
import { loadEnvironmentOrExit } from '@app/domain/config/load-environment';
import { CommandFactory } from 'nest-commander';

async function main(): Promise<void> {
  loadEnvironmentOrExit();
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { CliModule } = await import('./cli.module');
  await CommandFactory.run(CliModule, {
    logger: ['error', 'warn'],
    errorHandler: (err) => {
      const code = (err as Error & { code?: string; exitCode?: number }).exitCode ?? 1;
      // commander reports --help and --version as "errors" with exit code 0
      if (code !== 0) console.error(err.message);
      process.exit(code);
    },
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
