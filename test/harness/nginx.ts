import { ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findBinary } from './binaries';
import { freePort, waitFor } from './ports';
import { removeDir, startProcess, stopProcess, tempDir } from './process';

/** A throwaway nginx (foreground, own prefix) running a configuration it is given. */
export class NginxServer {
  private child?: ChildProcess;
  readonly dir = tempDir('nginx');
  httpPort = 0;
  tlsPort = 0;

  /** the master process (its workers are its children) */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Runs the product's docker/nginx/nginx.conf with only what must differ on this machine
   * rewritten: upstream servers, listen ports, certificate and log paths, and one worker
   * process unless `productWorkers` (a bench measuring what users run keeps the product's).
   */
  async startProductConfig(upstreamPorts: number[], productWorkers = false): Promise<void> {
    this.httpPort = await freePort();
    this.tlsPort = await freePort();
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    const crt = join(this.dir, 'tls.crt');
    const key = join(this.dir, 'tls.key');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        crt,
      ],
      { stdio: 'ignore' },
    );
    let conf = readFileSync(resolve(__dirname, '../../docker/nginx/nginx.conf'), 'utf8');
    const upstream = /^\s*server api:3000 (.*);$/m;
    const options = conf.match(upstream)?.[1];
    if (!options)
      throw new Error(
        'docker/nginx/nginx.conf has no "server api:3000 ..." upstream line to rewrite',
      );
    conf = conf
      .replace(
        upstream,
        upstreamPorts.map((p) => `    server 127.0.0.1:${p} ${options};`).join('\n'),
      )
      .replace(/listen 80;/, `listen 127.0.0.1:${this.httpPort};`)
      .replace(/listen 443 ssl/, `listen 127.0.0.1:${this.tlsPort} ssl`)
      .replace('/etc/nginx/certs/tls.crt', crt)
      .replace('/etc/nginx/certs/tls.key', key)
      .replace(/\/var\/log\/nginx\//g, `${this.dir}/logs/`);
    if (!productWorkers) conf = conf.replace(/^worker_processes .*;$/m, 'worker_processes 1;');
    await this.start(conf);
  }

  async start(conf: string): Promise<void> {
    const file = join(this.dir, 'nginx.conf');
    writeFileSync(file, conf);
    const bin = findBinary('nginx')!;
    const globals = `pid ${join(this.dir, 'nginx.pid')}; error_log ${join(this.dir, 'logs/error.log')};`;
    execFileSync(bin, ['-t', '-q', '-p', this.dir, '-c', file, '-g', globals], { stdio: 'pipe' });
    this.child = startProcess(
      bin,
      ['-p', this.dir, '-c', file, '-g', `daemon off; ${globals}`],
      join(this.dir, 'stdout.log'),
    );
    await waitFor('nginx to listen', async () => {
      const res = await fetch(`http://127.0.0.1:${this.httpPort}/nginx-health`).catch(
        () => undefined,
      );
      return res?.status === 200;
    });
  }

  async destroy(): Promise<void> {
    await stopProcess(this.child, 'SIGQUIT');
    removeDir(this.dir);
  }
}
