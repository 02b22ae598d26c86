import { ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries';
import { freePort, waitFor } from './ports';
import { removeDir, startProcess, stopProcess, tempDir } from './process';

/** A throwaway nginx (foreground, own prefix) running the configuration it is given. */
export class NginxServer {
  private child?: ChildProcess;
  readonly dir = tempDir('nginx');
  port = 0;

  /** `render` gets the listen port and the prefix folder and returns nginx.conf's text. */
  async start(render: (port: number, prefix: string) => string): Promise<void> {
    this.port = await freePort();
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    const conf = join(this.dir, 'nginx.conf');
    writeFileSync(conf, render(this.port, this.dir));
    const bin = findBinary('nginx')!;
    execFileSync(
      bin,
      ['-t', '-p', this.dir, '-c', conf, '-g', `pid ${join(this.dir, 'nginx.pid')};`],
      { stdio: 'pipe' },
    );
    this.child = startProcess(
      bin,
      ['-p', this.dir, '-c', conf, '-g', `daemon off; pid ${join(this.dir, 'nginx.pid')};`],
      join(this.dir, 'stdout.log'),
    );
    await waitFor('nginx to listen', async () => {
      const res = await fetch(`http://127.0.0.1:${this.port}/`).catch(() => undefined);
      return res !== undefined;
    });
  }

  async destroy(): Promise<void> {
    await stopProcess(this.child, 'SIGQUIT');
    removeDir(this.dir);
  }
}
