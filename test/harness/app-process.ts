import { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startProcess, stopProcess } from './process';
import { waitFor } from './ports';

export const ROOT = resolve(__dirname, '../..');

/**
 * Runs one of our compiled apps (npm test builds dist/ first) as a real process, from the
 * repository or from another install of it (`root`: the production install, say).
 */
export class AppProcess {
  child?: ChildProcess;

  constructor(
    readonly script: string,
    readonly env: Record<string, string>,
    readonly logFile: string,
    readonly root = ROOT,
    /** its command-line arguments (the scheduler's `--worker`) */
    readonly args: string[] = [],
  ) {}

  start(): this {
    const argv = [join(this.root, this.script), ...this.args];
    this.child = startProcess(process.execPath, argv, this.logFile, {
      cwd: this.root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'info',
        ...this.env,
      },
    });
    return this;
  }

  async exitCode(): Promise<number | null> {
    const c = this.child!;
    if (c.exitCode !== null || c.signalCode !== null) return c.exitCode;
    return new Promise((ok) => c.once('exit', (code) => ok(code)));
  }

  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }

  /** the last lines of its log (for a failure's message) */
  tail(lines: number): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

export async function getJson(
  url: string,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

export function waitForHttp(url: string, status = 200, timeoutMs = 60_000) {
  return waitFor(
    `${url} to answer ${status}`,
    async () => (await getJson(url)).status === status,
    timeoutMs,
    200,
  );
}
