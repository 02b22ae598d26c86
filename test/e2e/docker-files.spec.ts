import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '../..');
const documented = new Set([...readFileSync(join(root, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

/** No Docker engine here: the compose files are parsed and checked instead of run. */
describe('docker compose files', () => {
  const expected: Record<string, string[]> = {
    'compose.stage1.yml': ['api', 'azurite', 'migrate', 'mysql', 'nginx', 'scheduler'],
    'compose.stage2.yml': ['api', 'migrate', 'mysql-primary', 'mysql-replica', 'nginx', 'scheduler'],
    'compose.stage3.yml': ['api', 'azurite', 'migrate', 'mysql-primary', 'mysql-replica-1', 'mysql-replica-2', 'nginx', 'redis', 'scheduler'],
  };

  it.each(Object.keys(expected))('%s parses, has its services, and passes only documented variables', (file) => {
    const text = readFileSync(join(root, 'docker', file), 'utf8');
    const doc = parse(text, { merge: true });
    expect(Object.keys(doc.services).sort()).toEqual(expected[file]);
    const passed = new Set<string>([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    for (const name of ['api', 'scheduler', 'migrate']) for (const k of Object.keys(doc.services[name].environment ?? {})) passed.add(k);
    const missing = [...passed].filter((v) => !documented.has(v));
    expect(missing).toEqual([]);
    // exactly one scheduler, and the apps built from the one Dockerfile's targets
    expect(doc.services.scheduler.deploy?.replicas ?? 1).toBe(1);
    expect([doc.services.api.build.target, doc.services.scheduler.build.target, doc.services.migrate.build.target]).toEqual(['api', 'scheduler', 'cli']);
  });

  it('has a multi-stage Dockerfile with api, scheduler and cli targets, a non-root user and health checks', () => {
    const df = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    for (const target of ['api', 'scheduler', 'cli']) expect(df).toMatch(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
    expect(df).toMatch(/^USER node$/m);
    expect(df.match(/^HEALTHCHECK /gm)).toHaveLength(2);
  });
});
