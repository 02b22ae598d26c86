import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { DatabaseContext } from './database-context';
import { isDeadConnectionError, isUnreachableError } from './connection-errors';

/**
 * The one place that decides which node a query runs on.
 * - write() and transaction() run on the primary and mark the request as having written.
 * - read() runs on the primary, except in a view that tolerates lag (DatabaseContext.allowLag,
 *   opted in by name per route) that has not written: there it runs on a replica when replicas
 *   exist. A replica that cannot be reached is skipped and the primary serves the read; mysql2
 *   brings the node back after DB_NODE_RESTORE_MS.
 * - A read is idempotent, so one that fails on a dead pooled connection (killed server-side,
 *   idle past wait_timeout, a replica that stopped) is retried once on the primary (mysql2 has
 *   no pre-ping), and replica reads go to the primary for DB_NODE_RESTORE_MS.
 * - A replica read that finds nothing asks the primary: absence is never concluded from a
 *   replica that may lag.
 */
@Injectable()
export class DatabaseRouter {
  private readonly logger = new Logger(DatabaseRouter.name);
  private readonly hasReplicas: boolean;
  /**
   * SQLite (embedded) has one connection per process: two transactions interleaved on it
   * fail ("cannot start a transaction within a transaction"), so writes take turns.
   */
  private readonly serialiseWrites: boolean;
  private writeQueue: Promise<unknown> = Promise.resolve();
  /** DB_NODE_RESTORE_MS: how long a failed replica is left out */
  private readonly nodeRestoreMs: number;
  /**
   * Until then, replica reads go to the primary: a replica's pooled connection died under a
   * query (a replica stopping). mysql2 sets a node aside only after failed connects, and a pool
   * of dead idle connections would keep sending reads to it.
   */
  private replicasAsideUntil = 0;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.hasReplicas = Boolean((dataSource.options as { replication?: unknown }).replication);
    this.serialiseWrites = dataSource.options.type === 'better-sqlite3';
    this.nodeRestoreMs =
      (dataSource.options as { replication?: { restoreNodeTimeout?: number } }).replication
        ?.restoreNodeTimeout ?? 0;
  }

  async read<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const useReplica =
      this.hasReplicas && DatabaseContext.mayReadReplica() && Date.now() >= this.replicasAsideUntil;
    let found: T;
    try {
      found = await this.runOn(useReplica, fn);
    } catch (err) {
      if (!isDeadConnectionError(err)) throw err;
      this.logger.warn(
        `read hit a dead connection (${(err as { code?: string }).code}); retrying once${useReplica ? ' on the primary' : ''}`,
      );
      // another node: the replica's other pooled connections are likely dead too
      return this.runOn(false, fn);
    }
    // absence is never concluded from a replica: a row made a moment ago (on another instance)
    // may not have reached it yet, so "not found" is asked of the primary
    if (useReplica && (found === null || found === undefined)) return this.runOn(false, fn);
    return found;
  }

  async write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    DatabaseContext.markWrote();
    return this.inTurn(() => retryOnConflict(() => fn(this.dataSource.manager)));
  }

  /**
   * A transaction on the primary. One rolled back whole for a conflict (a MySQL deadlock victim
   * or lock wait timeout, SQLite's busy snapshot) is run again, up to three times.
   * `readCommitted` avoids gap locks for claim-style queries (MySQL only).
   */
  async transaction<T>(
    fn: (em: EntityManager) => Promise<T>,
    opts: { readCommitted?: boolean } = {},
  ): Promise<T> {
    DatabaseContext.markWrote();
    const mysql = !this.serialiseWrites;
    return this.inTurn(() =>
      retryOnConflict(() =>
        opts.readCommitted && mysql
          ? this.dataSource.transaction('READ COMMITTED', fn)
          : this.dataSource.transaction(fn),
      ),
    );
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.serialiseWrites) return fn();
    const run = this.writeQueue.then(fn, fn);
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  private async runOn<T>(replica: boolean, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const runner = await this.connect(replica);
    try {
      return await fn(runner.manager);
    } catch (err) {
      // a replica dropped the connection: replica reads go to the primary for a while
      if (replica && (isDeadConnectionError(err) || isUnreachableError(err)))
        this.replicasAsideUntil = Date.now() + this.nodeRestoreMs;
      throw err;
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  private async connect(replica: boolean): Promise<QueryRunner> {
    if (replica) {
      const runner = this.dataSource.createQueryRunner('slave');
      try {
        await runner.connect();
        return runner;
      } catch (err) {
        await runner.release().catch(() => undefined);
        // refused, or dropped during the handshake (a replica shutting down: ER_SERVER_SHUTDOWN)
        if (!isUnreachableError(err) && !isDeadConnectionError(err)) throw err;
        this.logger.warn(
          `no replica reachable (${(err as { code?: string }).code}); reading from the primary`,
        );
      }
    }
    const runner = this.dataSource.createQueryRunner('master');
    await runner.connect();
    return runner;
  }
}

/**
 * A transaction rolled back whole by the database because another one got in its way, safe to
 * run again. MySQL: a deadlock victim, a lock waited for too long. SQLite (API and scheduler
 * processes share the file): a transaction that read and then writes after another process
 * committed fails at once (SQLITE_BUSY_SNAPSHOT: busy_timeout does not wait for it), or the
 * file stayed locked past busy_timeout.
 */
const CONFLICT_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
]);

async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code =
        (err as { code?: string; driverError?: { code?: string } }).driverError?.code ??
        (err as { code?: string }).code;
      if (i >= attempts || !code || !CONFLICT_CODES.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * i));
    }
  }
}
