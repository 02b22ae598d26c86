import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface NodeStatus {
  node: string;
  up: boolean;
  error?: string;
}

/** Pings each database node on its own (primary and every replica) for /health/ready. */
@Injectable()
export class DatabaseHealth {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(timeoutMs = 2000): Promise<NodeStatus[]> {
    const driver = this.dataSource.driver as unknown as {
      poolCluster?: {
        of: (p: string) => { getConnection: (cb: (e: Error | null, c?: any) => void) => void };
      };
      pool?: unknown;
    };
    const replication = (this.dataSource.options as { replication?: { slaves: unknown[] } })
      .replication;
    if (!driver.poolCluster || !replication) {
      return [await this.ping('primary', () => this.dataSource.query('SELECT 1'), timeoutMs)];
    }
    const cluster = driver.poolCluster;
    const nodeQuery = (id: string) => () =>
      new Promise<void>((ok, fail) =>
        cluster.of(id).getConnection((err, conn) => {
          if (err) return fail(err);
          conn.query('SELECT 1', (qerr: Error | null) => {
            conn.release();
            if (qerr) fail(qerr);
            else ok();
          });
        }),
      );
    const checks = [this.ping('primary', nodeQuery('MASTER'), timeoutMs)];
    replication.slaves.forEach((_, i) =>
      checks.push(this.ping(`replica${i}`, nodeQuery(`SLAVE${i}`), timeoutMs)),
    );
    return Promise.all(checks);
  }

  private async ping(
    node: string,
    fn: () => Promise<unknown>,
    timeoutMs: number,
  ): Promise<NodeStatus> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        fn(),
        new Promise(
          (_, fail) =>
            (timer = setTimeout(() => fail(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)),
        ),
      ]);
      return { node, up: true };
    } catch (err) {
      return { node, up: false, error: (err as Error).message || (err as { code?: string }).code };
    } finally {
      clearTimeout(timer);
    }
  }
}
