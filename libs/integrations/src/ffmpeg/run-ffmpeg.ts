import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { redactUrlsIn } from '../http/redact-url';

/**
 * FFmpeg failed. `message` is short and safe to show an owner; `detail` is the end of the
 * tool's own output (file paths, URLs with their secrets redacted) for the log only.
 */
export class FfmpegError extends Error {
  override name = 'FfmpegError';
  /** a crash or a timeout of the tool: another attempt may well succeed (isTransientFailure) */
  readonly transient = true;
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

/** The run was stopped on purpose (the process is stopping): not a failure of the work. */
export class FfmpegAbortedError extends Error {
  override name = 'AbortError';
}

/**
 * Runs ffmpeg (or ffprobe) as a child process: the event loop stays free while it works,
 * and a run past its timeout is killed rather than left hanging.
 */
export function runFfmpeg(
  args: string[],
  opts: {
    timeoutMs: number;
    stdin?: Readable;
    binary?: string;
    signal?: AbortSignal;
    /** sees stdout as it comes (e.g. `-progress pipe:1`); it is then not kept for the result */
    onStdout?: (chunk: string) => void;
  },
): Promise<{ stdout: string; stderr: string }> {
  if (opts.signal?.aborted)
    return Promise.reject(
      new FfmpegAbortedError(`${opts.binary ?? 'ffmpeg'} not started: stopping`),
    );
  return new Promise((ok, fail) => {
    // the signal kills the child (SIGKILL once aborted): a stop must not wait for a render
    const child = spawn(opts.binary ?? 'ffmpeg', args, {
      stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      signal: opts.signal,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => (opts.onStdout ? opts.onStdout(d) : (stdout += d)));
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    if (opts.stdin) {
      opts.stdin.pipe(child.stdin!);
      child.stdin!.on('error', () => undefined); // ffmpeg may exit before reading everything
    }
    child.on('error', (err) => {
      clearTimeout(timer);
      if (opts.signal?.aborted)
        return fail(
          new FfmpegAbortedError(`${opts.binary ?? 'ffmpeg'} stopped: the process is stopping`),
        );
      fail(new FfmpegError(`could not start ${opts.binary ?? 'ffmpeg'}`, err.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (opts.signal?.aborted)
        return fail(
          new FfmpegAbortedError(`${opts.binary ?? 'ffmpeg'} stopped: the process is stopping`),
        );
      if (timedOut)
        return fail(
          new FfmpegError(`${opts.binary ?? 'ffmpeg'} killed after ${opts.timeoutMs} ms`),
        );
      if (code !== 0)
        return fail(
          new FfmpegError(
            `${opts.binary ?? 'ffmpeg'} failed (exit code ${code})`,
            redactUrlsIn(stderr.trim().split('\n').slice(-3).join(' | ')),
          ),
        );
      ok({ stdout, stderr });
    });
  });
}
