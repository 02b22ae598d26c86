import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../harness/app-process';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(60_000);

/** What an operator sees of the CLI: its name, one line per failure, readable tables. */
describe('the CLI as an operator reads it', () => {
  const dir = tempDir('cli-output');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DB_SQLITE_PATH: join(dir, 'cli.sqlite') },
      encoding: 'utf8',
    });
  beforeAll(() => expect(cli('migrate').status).toBe(0));
  afterAll(() => removeDir(dir));

  it('names itself castad in its help', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: castad /);
    expect(help.stdout).not.toMatch(/Usage: main/);
  });

  it.each([
    [['cost:report', '--bogus'], /unknown option '--bogus'/],
    [['cost:report', '--month', '2026-13'], /--month must look like 2026-11/],
    [['user:export', 'nobody'], /no user with id or Kakao id "nobody"/],
  ])('prints one error line for %j and exits non-zero', (args, message) => {
    const r = cli(...args);
    expect(r.status).not.toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('says so for a month without paid calls, with the estimates beside zero, in an aligned table', () => {
    const r = cli('cost:report', '--month', '2020-01');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      "no paid call was metered in 2020-01; the document's stage 3 estimates for comparison:",
    );
    const table = lines.slice(1);
    expect(table.join('\n')).not.toContain('(index)');
    // one width for every line: the columns line up
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    const rows = table
      .filter((l) => /creatomate|suno|openai/.test(l))
      .map((l) =>
        l
          .split('│')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    expect(rows).toEqual([
      ['2020-01', 'creatomate', '0', '0', '0', '2000'],
      ['2020-01', 'suno', '0', '0', '0', '1400'],
      ['2020-01', 'openai', '0', '0', '0', '550'],
    ]);
  });

  it('says the database is up to date when nothing is pending', () => {
    expect(cli('migrate').stdout.trim()).toBe('database up to date: no pending migration');
  });
});
