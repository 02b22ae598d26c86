#!/usr/bin/env node
import 'reflect-metadata';
import { loadConfigOrExit } from '@app/domain/config/load-config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('cli');
  // loaded after validation, so a bad variable never surfaces as a module-load stack trace
  const { runCli } = await import('./run-cli');
  await runCli(config);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
