import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where each real server comes from, so a missing one can say what to install. */
export const BINARIES = {
  mariadbd: { paths: ['mariadbd', '/usr/sbin/mariadbd'], apt: 'mariadb-server' },
  'mariadb-install-db': {
    paths: ['mariadb-install-db', '/usr/bin/mariadb-install-db'],
    apt: 'mariadb-server',
  },
  'redis-server': { paths: ['redis-server', '/usr/bin/redis-server'], apt: 'redis-server' },
  nginx: { paths: ['nginx', '/usr/sbin/nginx'], apt: 'nginx' },
  ffmpeg: { paths: ['ffmpeg'], apt: 'ffmpeg' },
  ffprobe: { paths: ['ffprobe'], apt: 'ffmpeg' },
  chromium: { paths: ['chromium', '/usr/bin/chromium'], apt: 'chromium' },
  // OCR, to read a rendered video's words as a viewer would (Korean: tesseract-ocr-kor)
  tesseract: { paths: ['tesseract', '/usr/bin/tesseract'], apt: 'tesseract-ocr tesseract-ocr-kor' },
} as const;

export type BinaryName = keyof typeof BINARIES;

export function findBinary(name: BinaryName): string | null {
  for (const p of BINARIES[name].paths) {
    if (p.startsWith('/')) {
      if (existsSync(p)) return p;
      continue;
    }
    try {
      const found = execFileSync('sh', ['-c', `command -v ${p}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      /* not on PATH */
    }
  }
  return null;
}

export function missingBinaries(names: BinaryName[]): BinaryName[] {
  return names.filter((n) => findBinary(n) === null);
}

/**
 * describe() for a suite that needs real servers. Under CI=true a missing binary fails the
 * suite; elsewhere the suite is skipped with a loud banner saying what to install.
 */
export function describeWithServers(names: BinaryName[], title: string, body: () => void): void {
  const missing = missingBinaries(names);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const packages = [...new Set(missing.map((m) => BINARIES[m].apt))].join(' ');
  const message = `${title}: missing ${missing.join(', ')} — install with: apt-get install -y ${packages}`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('has the real servers it needs', () => {
        throw new Error(`${message} (CI=true: a missing server is a failure, not a skip)`);
      });
    });
    return;
  }
  const banner = '!'.repeat(Math.min(100, message.length + 8));
  process.stderr.write(`\n${banner}\n!!! SKIPPED ${message}\n${banner}\n\n`);
  describe.skip(title, body);
}
