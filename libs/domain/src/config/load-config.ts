import { existsSync } from 'node:fs';
import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';
import { AppRole } from './stage';

/** An environment as a process has it: variable names to values. */
export type EnvironmentRecord = Record<string, string | undefined>;

/**
 * The configuration loader: the validated AppConfig of a process with the given role, built
 * from an environment record. A bad value throws one error naming each variable. Tests build
 * their apps' configuration with this, so two configurations can run in one process.
 */
export function loadConfig(env: EnvironmentRecord, role: AppRole): AppConfig {
  return new AppConfig(validateEnvironment(env), role);
}

/**
 * Called first thing by every main.ts, the one place that reads the process environment:
 * ./.env when present (real environment variables win), validated once. A bad configuration
 * prints one clear message naming each variable and exits 1, before any module is loaded.
 */
export function loadConfigOrExit(role: AppRole): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env, role);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
