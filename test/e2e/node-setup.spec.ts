import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(180_000);

const root = join(__dirname, '../..');
const wanted = Number(readFileSync(join(root, '.nvmrc'), 'utf8').trim());

/** A node binary older than the one we need, as a newcomer's machine may have (Debian's). */
function olderNode(): string | undefined {
  for (const bin of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(bin)) continue;
    const major = Number(execFileSync(bin, ['-p', 'process.versions.node.split(".")[0]']));
    if (major < wanted) return bin;
  }
  return undefined;
}

/**
 * The README's way in on a machine with the wrong Node: `npm ci` refuses at once with one
 * clear line, and the README's recipe for Node 24 from the npm registry works as written.
 */
describe('getting Node 24, as the README says', () => {
  const dir = tempDir('node-setup');
  afterAll(() => removeDir(dir));

  const old = olderNode();
  (old || process.env.CI === 'true' ? it : it.skip)(
    'npm ci under an older node stops at once, saying which node is required',
    () => {
      if (!old) throw new Error('no node older than .nvmrc on this machine (CI=true: a failure)');
      for (const f of ['package.json', 'package-lock.json', '.npmrc'])
        copyFileSync(join(root, f), join(dir, f));
      const bin = join(old, '..');
      const run = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: process.env.HOME ?? homedir() },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('EBADENGINE');
      expect(run.stderr).toMatch(/Required: \{"node":">=24/);
      // refused before installing anything
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    },
  );

  it("the README's recipe fetches Node 24 with its headers under ~/.cache, from any folder", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const recipe = /<!-- node-recipe -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(recipe).toBeDefined();
    const home = join(dir, 'home');
    const elsewhere = join(dir, 'somewhere');
    execFileSync('mkdir', ['-p', home, elsewhere]);
    const out = execFileSync('bash', ['-euc', `${recipe}\nnode -v\necho "$npm_config_nodedir"`], {
      cwd: elsewhere,
      // the machine's npm cache, trusted as it is: the package is not downloaded again per run
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        npm_config_cache: join(process.env.HOME ?? homedir(), '.npm'),
        npm_config_prefer_offline: 'true',
      },
      encoding: 'utf8',
    }).trim();
    const [version, nodedir] = out.split('\n').slice(-2);
    expect(version).toMatch(new RegExp(`^v${wanted}\\.`));
    expect(nodedir).toBe(join(home, '.cache/castad-node/package'));
    // the headers node-gyp builds native modules against
    expect(existsSync(join(nodedir, 'include/node/common.gypi'))).toBe(true);
    // nothing left in the folder it was run from
    expect(execFileSync('ls', ['-A', elsewhere], { encoding: 'utf8' })).toBe('');
  });
});
