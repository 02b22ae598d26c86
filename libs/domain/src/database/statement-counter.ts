import { Counter } from 'prom-client';
import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import { registry } from '../metrics/metrics';

const statements = new Counter({
  name: 'castad_db_statements_total',
  help: 'SQL sent to the database (each one a round trip), by node and kind: a statement, or transaction control (BEGIN, COMMIT, ROLLBACK, savepoints)',
  labelNames: ['node', 'kind'],
  registers: [registry],
});

const TRANSACTION_CONTROL =
  /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET TRANSACTION|SAVEPOINT|RELEASE SAVEPOINT)/i;

const counters = {
  primary: {
    statement: statements.labels('primary', 'statement'),
    transaction: statements.labels('primary', 'transaction'),
  },
  replica: {
    statement: statements.labels('replica', 'statement'),
    transaction: statements.labels('replica', 'transaction'),
  },
};

/**
 * TypeORM's logger, used to count what each process sends to the database (on /metrics, which
 * only admins and allowed networks read): statements and round trips per request or per step
 * are what the benches report. It logs nothing, as `logging: false` did before it.
 */
export class StatementCounter implements TypeOrmLogger {
  logQuery(query: string, _parameters?: unknown[], runner?: QueryRunner): void {
    const node =
      (runner as { mode?: string } | undefined)?.mode === 'slave'
        ? counters.replica
        : counters.primary;
    (TRANSACTION_CONTROL.test(query) ? node.transaction : node.statement).inc();
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
