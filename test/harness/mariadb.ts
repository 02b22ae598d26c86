import { ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { findBinary } from './binaries';
import { freePort, waitFor } from './ports';
import { removeDir, startProcess, stopProcess, tempDir } from './process';

export const APP_DB = { user: 'castad', password: 'castad-test', database: 'castad' };

/** Where a server keeps its data, and how it starts beyond the defaults. */
export interface MariaDbOptions {
  /** a kept datadir (bench:data's cache) instead of a throwaway one */
  dir?: string;
  /** more mariadbd arguments; a later one wins, so these override the defaults */
  args?: string[];
  /** how long a start may take (a big datadir's redo log) */
  startTimeoutMs?: number;
}

/** One mariadbd: its own datadir, socket, port and temporary files; root without password. */
export class MariaDbServer {
  private child?: ChildProcess;
  readonly dir: string;
  port = 0;

  constructor(
    readonly name: string,
    private readonly serverId: number,
    private readonly opts: MariaDbOptions = {},
  ) {
    this.dir = opts.dir ?? tempDir(`mariadb-${name}`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return join(this.dir, 'server.log');
  }

  /** A new datadir, then started. */
  async init(): Promise<void> {
    execFileSync(
      findBinary('mariadb-install-db')!,
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { stdio: 'ignore' },
    );
    await this.start();
  }

  /** Starts on the datadir there is (a free port the first time; the same one after). */
  async start(args: string[] = []): Promise<void> {
    if (!this.port) this.port = await freePort();
    // its own temporary files: /tmp is shared with other test runs
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    this.child = startProcess(
      findBinary('mariadbd')!,
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        `--server-id=${this.serverId}`,
        '--skip-name-resolve',
        `--tmpdir=${join(this.dir, 'tmp')}`,
        '--innodb-buffer-pool-size=32M',
        '--innodb-log-file-size=16M',
        '--max-connections=300',
        '--skip-log-error',
        ...(this.opts.args ?? []),
        ...args,
      ],
      this.logFile,
    );
    await waitFor(
      `${this.name} to accept connections`,
      async () => {
        if (this.child?.exitCode !== null && this.child?.exitCode !== undefined)
          throw new Error(`mariadbd exited; see ${this.logFile}`);
        const c = await this.rootConnection();
        await c.end();
        return true;
      },
      this.opts.startTimeoutMs ?? 60_000,
      200,
    );
  }

  /** A clean shutdown waits for the server to flush its pages (a big fill's take minutes). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs?: number): Promise<void> {
    await stopProcess(this.child, signal, timeoutMs);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** The app's own user on its database (times in UTC, as the app reads them). */
  appConnection(): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: APP_DB.user,
      password: APP_DB.password,
      database: APP_DB.database,
      timezone: 'Z',
    });
  }

  /** The app's database and user, as a deployment creates them. */
  async createAppDatabase(): Promise<void> {
    await this.query(
      `CREATE DATABASE ${APP_DB.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; ` +
        `CREATE USER '${APP_DB.user}'@'%' IDENTIFIED BY '${APP_DB.password}'; ` +
        `GRANT ALL ON ${APP_DB.database}.* TO '${APP_DB.user}'@'%'`,
    );
  }

  /** The app's environment on this one server (stage 1, no replicas). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      CASTAD_STAGE: '1',
      DB_ENGINE: 'mariadb',
      DB_HOST: '127.0.0.1',
      DB_PORT: String(this.port),
      DB_USER: APP_DB.user,
      DB_PASSWORD: APP_DB.password,
      DB_NAME: APP_DB.database,
      // a staged deployment needs its signing secret and Kakao login configured
      JWT_SECRET: 'real-suite-secret-real-suite-secret-0123',
      KAKAO_CLIENT_ID: 'real-suite-kakao',
      KAKAO_APP_ID: '1',
      KAKAO_REDIRECT_URI: 'http://127.0.0.1/v1/auth/kakao/callback',
      ...extra,
    };
  }

  rootConnection(): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      multipleStatements: true,
    });
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T> {
    const c = await this.rootConnection();
    try {
      const [rows] = await c.query(sql, params);
      return rows as T;
    } finally {
      await c.end();
    }
  }

  async globalStatus(name: string): Promise<number> {
    const rows = await this.query<{ Value: string }[]>('SHOW GLOBAL STATUS LIKE ?', [name]);
    return Number(rows[0]?.Value ?? 0);
  }

  /** Connections the app user holds right now (root's own probe excluded). */
  async appConnections(): Promise<number> {
    const rows = await this.query<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?',
      [APP_DB.user],
    );
    return Number(rows[0].n);
  }

  async killAppConnections(): Promise<number> {
    const rows = await this.query<{ ID: number }[]>(
      'SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?',
      [APP_DB.user],
    );
    for (const r of rows) await this.query(`KILL ${Number(r.ID)}`).catch(() => undefined);
    return rows.length;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    removeDir(this.dir);
  }
}

/**
 * A primary and N replicas with real binlog replication. The app database and user are
 * created on the primary after replication starts, so they reach the replicas the real way.
 * Replicas are read_only: a write routed to one fails loudly.
 */
export class ReplicatedMariaDb {
  readonly primary = new MariaDbServer('primary', 1, {
    args: ['--log-bin=mysql-bin', '--binlog-format=ROW'],
  });
  readonly replicas: MariaDbServer[];

  constructor(replicaCount = 1) {
    this.replicas = Array.from(
      { length: replicaCount },
      (_, i) =>
        new MariaDbServer(`replica${i + 1}`, i + 2, {
          args: ['--read-only=ON', '--relay-log=relay-bin', '--log-slave-updates=OFF'],
        }),
    );
  }

  async start(): Promise<void> {
    await Promise.all([this.primary.init(), ...this.replicas.map((r) => r.init())]);
    await this.primary.query(
      "CREATE USER 'repl'@'%' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'",
    );
    const [status] =
      await this.primary.query<{ File: string; Position: number }[]>('SHOW MASTER STATUS');
    for (const r of this.replicas) {
      await r.query(
        `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${this.primary.port}, MASTER_USER='repl', MASTER_PASSWORD='repl', ` +
          `MASTER_LOG_FILE='${status.File}', MASTER_LOG_POS=${status.Position}, MASTER_CONNECT_RETRY=1; START SLAVE`,
      );
    }
    await this.primary.createAppDatabase();
    await this.waitForReplicas();
  }

  /** Resolves once every replica has applied everything the primary has written so far. */
  async waitForReplicas(timeoutMs = 30_000): Promise<void> {
    const [{ pos }] = await this.primary.query<{ pos: string }[]>(
      'SELECT @@GLOBAL.gtid_binlog_pos AS pos',
    );
    for (const r of this.replicas) {
      await waitFor(
        `${r.name} to catch up`,
        async () => {
          const [row] = await r.query<{ applied: number | null }[]>(
            'SELECT MASTER_GTID_WAIT(?, 1) AS applied',
            [pos],
          );
          return row.applied === 0;
        },
        timeoutMs,
        50,
      );
    }
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return this.primary.env({
      CASTAD_STAGE: this.replicas.length > 0 ? '2' : '1',
      DB_REPLICAS: this.replicas.map((r) => `127.0.0.1:${r.port}`).join(','),
      ...extra,
    });
  }

  async destroy(): Promise<void> {
    await Promise.all([this.primary.destroy(), ...this.replicas.map((r) => r.destroy())]);
  }
}
