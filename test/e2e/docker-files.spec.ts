import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DOCKERFILE_STEPS } from '../harness/production-install';

const root = join(__dirname, '../..');
const documented = new Set(
  [...readFileSync(join(root, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(
    (m) => m[1],
  ),
);

/** No Docker engine here: the compose files are parsed and checked instead of run. */
describe('docker compose files', () => {
  const expected: Record<string, string[]> = {
    'compose.stage1.yml': ['api', 'azurite', 'migrate', 'mysql', 'nginx', 'scheduler'],
    'compose.stage2.yml': [
      'api',
      'migrate',
      'mysql-primary',
      'mysql-replica',
      'nginx',
      'scheduler',
    ],
    'compose.stage3.yml': [
      'api',
      'azurite',
      'migrate',
      'mysql-primary',
      'mysql-replica-1',
      'mysql-replica-2',
      'nginx',
      'redis',
      'render-worker',
      'scheduler',
    ],
  };

  it.each(Object.keys(expected))(
    '%s parses, has its services, and passes only documented variables',
    (file) => {
      const text = readFileSync(join(root, 'docker', file), 'utf8');
      const doc = parse(text, { merge: true });
      expect(Object.keys(doc.services).sort()).toEqual(expected[file]);
      const passed = new Set<string>([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
      for (const name of ['api', 'scheduler', 'render-worker', 'migrate'])
        for (const k of Object.keys(doc.services[name]?.environment ?? {})) passed.add(k);
      const missing = [...passed].filter((v) => !documented.has(v));
      expect(missing).toEqual([]);
      // exactly one scheduler, and the apps built from the one Dockerfile's targets
      expect(doc.services.scheduler.deploy?.replicas ?? 1).toBe(1);
      expect([
        doc.services.api.build.target,
        doc.services.scheduler.build.target,
        doc.services.migrate.build.target,
      ]).toEqual(['api', 'scheduler', 'cli']);
      // stage 3's render hosts: the scheduler app as a worker of the video queue
      if (doc.services['render-worker'])
        expect([
          doc.services['render-worker'].build.target,
          doc.services['render-worker'].environment.WORK_QUEUES,
        ]).toEqual(['render-worker', 'video']);
    },
  );

  it('has a multi-stage Dockerfile with api, scheduler, render-worker and cli targets, a non-root user and health checks', () => {
    const df = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    for (const target of ['api', 'scheduler', 'render-worker', 'cli'])
      expect(df).toMatch(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
    expect(df).toMatch(/^USER node$/m);
    expect(df.match(/^HEALTHCHECK /gm)).toHaveLength(2);
  });
});

/**
 * The production-install test (test/real/production-install.spec.ts) follows the Dockerfile's
 * steps by hand; this keeps its list of steps and the Dockerfile saying the same thing.
 */
describe('the Dockerfile and the steps the production-install test follows', () => {
  const df = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
  const stage = (name: string) =>
    df.split(/^FROM /m).find((s) => new RegExp(`AS ${name}\\s*$`, 'm').test(s.split('\n')[0]))!;

  it('copies the same sources and runs the same npm steps in the build stage', () => {
    const build = stage('build');
    const copied = [...build.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      m[1].trim().split(/\s+/).slice(0, -1),
    );
    expect(copied).toEqual(DOCKERFILE_STEPS.buildCopies);
    const npmRuns = [...build.matchAll(/^RUN (npm .+)$/gm)].map((m) => m[1].trim());
    expect(npmRuns).toEqual(DOCKERFILE_STEPS.buildRuns);
  });

  it('ships exactly node_modules, dist and package.json', () => {
    const runtime = stage('runtime');
    const shipped = [...runtime.matchAll(/^COPY (?:--from=build )?(\S+) (\S+)$/gm)].map((m) =>
      m[1].replace(/^\/app\//, ''),
    );
    expect(shipped.sort()).toEqual([...DOCKERFILE_STEPS.shipped].sort());
  });

  it('starts each target with the command the test uses', () => {
    const cmd = (s: string) => {
      const m = s
        .match(/^(?:CMD|ENTRYPOINT) \[(.+)\]$/gm)!
        .map((l) => JSON.parse(l.replace(/^(CMD|ENTRYPOINT) /, '')) as string[]);
      return m
        .map((a) => a.filter((x) => !x.startsWith('/usr/bin/tini') && x !== '--').join(' '))
        .find((c) => c.startsWith('node '));
    };
    for (const target of ['api', 'scheduler', 'render-worker', 'cli'] as const)
      expect(cmd(stage(target))).toBe(DOCKERFILE_STEPS.commands[target]);
  });

  it('makes the API reachable through a published port, whatever the stage (HOST=0.0.0.0)', () => {
    // the embedded default binds 127.0.0.1, which inside a container no published port reaches
    expect(stage('api')).toMatch(/^ENV HOST=0\.0\.0\.0$/m);
  });

  it('runs Node 24 LTS, as .nvmrc and package.json engines say', () => {
    expect(df).toMatch(/^ARG NODE_VERSION=24$/m);
    expect(readFileSync(join(root, '.nvmrc'), 'utf8').trim()).toBe('24');
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node).toMatch(
      /^>=24\./,
    );
  });
});
