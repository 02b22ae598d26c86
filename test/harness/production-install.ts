import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './app-process';
import { tempDir } from './process';

/**
 * The Dockerfile's steps, followed by hand: there is no container engine on these machines,
 * so the image cannot be built here. `test/e2e/docker-files.spec.ts` checks that these lists and
 * docker/Dockerfile say the same thing, so the two cannot drift apart.
 */
export const DOCKERFILE_STEPS = {
  /** what the build stage copies in from the repository */
  buildCopies: [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'nest-cli.json',
    'apps',
    'libs',
  ],
  /** the build stage's npm commands, in order */
  buildRuns: ['npm ci', 'npm run build && npm prune --omit=dev'],
  /** all the runtime image holds of the project: nothing else from the repository */
  shipped: ['node_modules', 'dist', 'package.json'],
  /** what each target runs */
  commands: {
    api: 'node dist/apps/api/src/main.js',
    scheduler: 'node dist/apps/scheduler/src/main.js',
    'render-worker': 'node dist/apps/scheduler/src/main.js --worker',
    cli: 'node dist/apps/cli/src/main.js',
  },
};

/**
 * Builds, in a temporary folder, exactly what the runtime image ships: the production
 * dependency set (`npm prune --omit=dev` of the locked tree), `dist/` and package.json.
 *
 * Stand-ins, said plainly: `npm ci` is a hard-linked copy of this checkout's node_modules
 * (installed by `npm ci` from the same lockfile: compiling better-sqlite3 again would take
 * minutes), and `npm run build` is the dist/ that `npm test` built from the same sources
 * moments ago. `npm prune --omit=dev` runs for real. Returns the runtime folder.
 */
export function productionInstall(): string {
  const dir = tempDir('ship');
  const build = join(dir, 'build');
  const app = join(dir, 'app');
  mkdirSync(build);
  mkdirSync(app);
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(ROOT, f), join(build, f));
  // npm ci: links, not copies; npm rewrites its own record in place, so that one is copied
  try {
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(build, 'node_modules')], {
      stdio: 'pipe',
    });
  } catch {
    // the temporary folder on another filesystem (tmpfs): links cannot cross it, copies can
    rmSync(join(build, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', join(ROOT, 'node_modules'), join(build, 'node_modules')]);
  }
  const record = join(build, 'node_modules/.package-lock.json');
  rmSync(record, { force: true });
  cpSync(join(ROOT, 'node_modules/.package-lock.json'), record);
  // npm run build
  cpSync(join(ROOT, 'dist'), join(build, 'dist'), { recursive: true });
  execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: build,
    env: { ...process.env, npm_config_loglevel: 'error' },
    stdio: 'pipe',
  });
  // the runtime stage: COPY --from=build of exactly what ships
  for (const f of DOCKERFILE_STEPS.shipped) renameSync(join(build, f), join(app, f));
  rmSync(build, { recursive: true, force: true });
  return app;
}

/** Top-level package names installed in a node_modules folder (scoped ones as @scope/name). */
export function installedPackages(nodeModules: string): string[] {
  return readdirSync(nodeModules)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) =>
      n.startsWith('@') ? readdirSync(join(nodeModules, n)).map((m) => `${n}/${m}`) : [n],
    );
}
