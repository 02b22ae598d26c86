import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PipelineVariables } from './pipeline-config';

/**
 * Every variable the apps read, by concern (each concern's class is in its config file, next
 * to the object built from it). Each is documented in .env.example; a bad value stops the
 * process with a message naming the variable (validateEnvironment below). The concerns' classes
 * extend one another only so that one class carries every variable: one validation pass names
 * every bad variable at once, and .env.example is checked against one list.
 */
export class EnvironmentVariables extends PipelineVariables {}

export function validateEnvironment(input: Record<string, unknown>): EnvironmentVariables {
  // an empty value (`PORT=` in a copied .env.example) means "not set": the default applies
  const raw = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ''));
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, stopAtFirstError: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const got = raw[e.property];
      const shown =
        got === undefined
          ? 'missing'
          : /PASSWORD|SECRET|KEY/.test(e.property)
            ? 'set (hidden)'
            : JSON.stringify(got);
      return `  ${e.property} (${shown}): ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new Error(
      `Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`,
    );
  }
  if (
    env.DB_POOL_MAX !== undefined &&
    env.DB_POOL_IDLE !== undefined &&
    env.DB_POOL_IDLE > env.DB_POOL_MAX
  ) {
    throw new Error('Invalid configuration:\n  DB_POOL_IDLE must not exceed DB_POOL_MAX');
  }
  return env;
}
