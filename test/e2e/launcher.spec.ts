import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { AppProcess, getJson, ROOT, waitForHttp } from '../harness/app-process';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, startProcess, tempDir } from '../harness/process';

jest.setTimeout(120_000);

/** A non-loopback IPv4 address of this machine, when it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** `npm start` (scripts/start-embedded.js) and where the API listens; these run dist/. */
describe('the launcher and the address the API listens on', () => {
  const dir = tempDir('launcher');
  afterAll(() => removeDir(dir));

  it('reads PORT from .env as the apps do, waits on that port and says where it is', async () => {
    const home = join(dir, 'checkout');
    mkdirSync(home);
    const [port, schedulerPort] = [await freePort(), await freePort()];
    // PORT only in .env: the shell has none
    writeFileSync(join(home, '.env'), `PORT=${port}\nSCHEDULER_HEALTH_PORT=${schedulerPort}\n`);
    const log = join(dir, 'start.log');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
    const start = startProcess(process.execPath, [join(ROOT, 'scripts/start-embedded.js')], log, {
      cwd: home,
      env,
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
      const running = await waitFor(
        'the launcher to say it runs',
        async () => /\[start\] CastAD is running: .*/.exec(readFileSync(log, 'utf8'))?.[0],
      );
      expect(running).toBe(
        `[start] CastAD is running: API http://127.0.0.1:${port} — studio http://127.0.0.1:${port}/ — docs http://127.0.0.1:${port}/docs`,
      );
      expect(readFileSync(log, 'utf8')).toContain(
        `"msg":"api listening","url":"http://127.0.0.1:${port}"`,
      );
      // the embedded default (dev login on) is not reachable from the network
      if (outsideAddress)
        await expect(fetch(`http://${outsideAddress}:${port}/health/live`)).rejects.toThrow();
      expect((await getJson(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      start.kill('SIGTERM');
    }
    const code = await new Promise((ok) => start.once('exit', ok));
    expect(code).toBe(0);
    expect(readFileSync(log, 'utf8')).not.toMatch(/dev login/);
  });

  it('listens elsewhere only on an explicit HOST, and warns while dev login is on', async () => {
    const port = await freePort();
    const api = new AppProcess(
      'dist/apps/api/src/main.js',
      { PORT: String(port), HOST: '0.0.0.0', DB_SQLITE_PATH: join(dir, 'open.sqlite') },
      join(dir, 'open.log'),
    ).start();
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/live`);
      if (outsideAddress)
        expect((await getJson(`http://${outsideAddress}:${port}/health/live`)).status).toBe(200);
      const log = readFileSync(join(dir, 'open.log'), 'utf8');
      expect(log).toContain(`"msg":"api listening","url":"http://0.0.0.0:${port}"`);
      expect(log).toContain(
        `HOST=0.0.0.0: the API is reachable from other machines while dev login (sign-in with any nickname, no password) is on`,
      );
    } finally {
      await api.stop();
    }
  });

  it('builds again only when a source changed since the last build', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { needsBuild } = require('../../scripts/build-if-changed');
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'apps/api/src'), { recursive: true });
    mkdirSync(join(tree, 'dist'));
    const source = join(tree, 'apps/api/src/main.ts');
    const stamp = join(tree, 'dist/.built');
    writeFileSync(source, 'export {};\n');
    expect(needsBuild(tree)).toBe(true); // never built
    const at = (file: string, secondsAgo: number) => {
      const t = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(file, t, t);
    };
    writeFileSync(stamp, '');
    for (const f of [
      source,
      join(tree, 'apps/api/src'),
      join(tree, 'apps/api'),
      join(tree, 'apps'),
    ])
      at(f, 60);
    at(stamp, 30);
    expect(needsBuild(tree)).toBe(false);
    at(source, 10); // edited after the build
    expect(needsBuild(tree)).toBe(true);
  });

  it('does not build again after a type check: the studio types it writes under apps/ are not a source', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { needsBuild } = require('../../scripts/build-if-changed');
    const studio = join(ROOT, 'apps/api/studio');
    const types = join(studio, 'castad-api.d.ts');
    // as in a fresh clone: the file does not exist until the first type check writes it
    rmSync(types, { force: true });
    const folderBefore = statSync(studio).mtimeMs;
    execFileSync(process.execPath, [join(ROOT, 'scripts/studio-types.js')]);
    expect(readFileSync(types, 'utf8')).toMatch(/^\/\/ Generated from openapi\.json/);
    expect(statSync(studio).mtimeMs).toBeCloseTo(folderBefore, 0); // within half a millisecond

    // a tree built before that type check
    const tree = join(dir, 'typechecked');
    const source = join(tree, 'apps/api/studio/studio.js');
    mkdirSync(join(tree, 'apps/api/studio'), { recursive: true });
    mkdirSync(join(tree, 'dist'));
    writeFileSync(source, '// @ts-check\n');
    const stamp = join(tree, 'dist/.built');
    writeFileSync(stamp, '');
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
    for (const f of [source, ...['apps/api/studio', 'apps/api', 'apps'].map((d) => join(tree, d))])
      utimesSync(f, ago(60), ago(60));
    utimesSync(stamp, ago(30), ago(30));
    writeFileSync(join(tree, 'apps/api/studio/castad-api.d.ts'), 'export {};\n');
    utimesSync(join(tree, 'apps/api/studio'), ago(60), ago(60)); // as studio-types.js leaves it
    expect(needsBuild(tree)).toBe(false);
    utimesSync(source, ago(10), ago(10)); // the page's script edited: that is a source
    expect(needsBuild(tree)).toBe(true);
  });

  it('says what the build does while it runs, and when it is done', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { build, needsBuild } = require('../../scripts/build-if-changed');
    const tree = join(dir, 'slow-build');
    mkdirSync(join(tree, 'apps'), { recursive: true });
    // a build that takes a while and prints nothing, as tsc does
    writeFileSync(
      join(tree, 'package.json'),
      JSON.stringify({
        // and marks dist/ as built, as package.json's build does
        scripts: {
          build: `node -e "setTimeout(() => { const fs = require('fs'); fs.mkdirSync('dist'); fs.writeFileSync('dist/.built', '') }, 1200)"`,
        },
      }),
    );
    const said: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => said.push(line));
    try {
      await build(tree, 'no build yet', 300);
    } finally {
      log.mockRestore();
    }
    expect(said[0]).toBe(
      '[build] no build yet: compiling apps/ and libs/ into dist/ (a first build takes about a minute)',
    );
    const ticks = said.filter((l) => /^\[build\] still compiling \(\d+ s\)$/.test(l));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(said.at(-1)).toMatch(/^\[build\] built in \d+ s$/);
    expect(needsBuild(tree)).toBe(false);
    // a failed build says so
    writeFileSync(join(tree, 'package.json'), JSON.stringify({ scripts: { build: 'exit 3' } }));
    await expect(build(tree, 'sources changed since the last build', 300)).rejects.toThrow(
      'the build failed (exit code 3)',
    );
  });

  it('is not made to build again by any `npm run build` (npm test, the benches): that build marks dist/ itself, as of its start', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { needsBuild } = require('../../scripts/build-if-changed');
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { build: string };
    };
    const tree = join(dir, 'npm-run-build');
    const source = join(tree, 'apps/api/src/main.ts');
    mkdirSync(join(tree, 'apps/api/studio'), { recursive: true });
    mkdirSync(join(tree, 'apps/api/src'));
    mkdirSync(join(tree, 'node_modules/.bin'), { recursive: true });
    writeFileSync(source, 'export {};\n');
    writeFileSync(join(tree, 'package.json'), JSON.stringify({ scripts: manifest.scripts }));
    const ago = new Date(Date.now() - 60_000);
    for (const f of ['apps/api/src/main.ts', 'apps/api/src', 'apps/api/studio', 'apps/api', 'apps'])
      utimesSync(join(tree, f), ago, ago);
    /** the real build script, with tsc standing in for the compiler (tsc-alias does nothing) */
    const npmRunBuild = (tsc: string) => {
      writeFileSync(join(tree, 'node_modules/.bin/tsc'), `#!/bin/sh\n${tsc}\n`, { mode: 0o755 });
      writeFileSync(join(tree, 'node_modules/.bin/tsc-alias'), '#!/bin/sh\n', { mode: 0o755 });
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: tree, stdio: 'ignore' });
    };
    const compile = 'mkdir -p dist/apps/api/src && echo built > dist/apps/api/src/main.js';

    npmRunBuild(compile);
    expect(needsBuild(tree)).toBe(false);
    expect(readFileSync(join(tree, 'dist/apps/api/src/main.js'), 'utf8')).toBe('built\n');

    // a source edited while the build ran is not in it: the marker has the build's start time
    npmRunBuild(`${compile} && touch apps/api/src/main.ts`);
    expect(needsBuild(tree)).toBe(true);

    // a build that fails leaves no marker (and the one before it was removed with dist/)
    npmRunBuild(compile);
    expect(needsBuild(tree)).toBe(false);
    expect(() => npmRunBuild('exit 2')).toThrow();
    expect(needsBuild(tree)).toBe(true);
  });
});
