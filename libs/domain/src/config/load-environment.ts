import { existsSync } from 'node:fs';
import { EnvironmentVariables, validateEnvironment } from './environment';

/** The environment main.ts validated at start-up, kept so nothing validates it again. */
let loaded: EnvironmentVariables | undefined;

/**
 * Called first thing by every main.ts: reads ./.env when present (real environment variables
 * win) and validates, once. A bad configuration prints one clear message naming each variable
 * and exits 1, before any module is loaded.
 */
export function loadEnvironmentOrExit(): EnvironmentVariables {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    loaded = validateEnvironment(process.env);
    return loaded;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

/**
 * The validated environment: the one main.ts loaded, or, in a process that did not start
 * through a main.ts (a test building a module), process.env validated now.
 */
export function validatedEnvironment(): EnvironmentVariables {
  return loaded ?? validateEnvironment(process.env);
}
