import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables, validateEnvironment } from '@app/domain';

describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
  const documented = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = line.match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    if (m) documented.set(m[1], lines[i - 1] ?? '');
  });

  it('lists every variable the apps read, each under a comment', () => {
    const read = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map((m) => m.propertyName),
    );
    const composeOnly = ['MYSQL_ROOT_PASSWORD', 'REPLICATION_PASSWORD', 'TLS_CERT_DIR'];
    expect([...read, ...composeOnly].sort()).toEqual([...documented.keys()].sort());
    for (const [name, previous] of documented)
      expect([name, previous.startsWith('#')]).toEqual([name, true]);
  });

  it('is itself a valid configuration (copying it to .env starts the embedded default)', () => {
    const values = Object.fromEntries(
      [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    const env = validateEnvironment(values);
    expect(env.CASTAD_STAGE).toBe('embedded');
    expect(env.INSTANCE_ID).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });
});
