import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const started = new Set<ChildProcess>();

/** Every process a test started is killed when the test process ends, even after a failure. */
process.on('exit', () => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `castad-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts a server process with its output in `logFile`, tracked for clean-up. The process
 * writes the file itself (it inherits the descriptor): piped through this process instead, a
 * server that logs synchronously (pino) would wait on this one's event loop whenever the pipe
 * filled, so a busy test or load generator stalled the servers it measures.
 */
export function startProcess(
  cmd: string,
  args: string[],
  logFile: string,
  opts: SpawnOptions = {},
): ChildProcess {
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { stdio: ['ignore', log, log], ...opts });
  } finally {
    closeSync(log);
  }
  started.add(child);
  child.on('exit', () => started.delete(child));
  return child;
}

export async function stopProcess(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 20_000,
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
