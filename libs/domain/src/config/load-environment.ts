import { existsSync } from 'node:fs';
import { EnvironmentVariables, validateEnvironment } from './environment';

/**
 * Called first thing by every main.ts: reads ./.env when present (real environment variables
 * win) and validates. A bad configuration prints one clear message naming each variable and
 * exits 1, before any module is loaded.
 */
export function loadEnvironmentOrExit(): EnvironmentVariables {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return validateEnvironment(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
