import { Command } from 'nest-commander';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

@Command({
  name: 'migrate',
  description: 'apply every pending migration to the configured database',
})
export class MigrateCommand extends JsonCommand {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async run(_args: string[], opts: { json?: boolean }): Promise<void> {
    const applied = await this.ds.runMigrations({ transaction: 'each' });
    if (applied.length === 0 && !opts.json)
      return void process.stdout.write('database up to date: no pending migration\n');
    printRows(
      applied.map((m) => ({ applied: m.name })),
      Boolean(opts.json),
    );
  }
}

@Command({ name: 'migrate:status', description: 'list migrations and whether each is applied' })
export class MigrateStatusCommand extends JsonCommand {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async run(_args: string[], opts: { json?: boolean }): Promise<void> {
    const rows: { name: string; applied: boolean }[] = [];
    const runner = this.ds.createQueryRunner('master');
    try {
      const table = this.ds.options.migrationsTableName ?? 'migrations';
      const done = (await runner.hasTable(table))
        ? new Set(
            (await runner.query(`SELECT name FROM ${table}`)).map((r: { name: string }) => r.name),
          )
        : new Set<string>();
      for (const m of this.ds.migrations)
        rows.push({
          name: m.name ?? m.constructor.name,
          applied: done.has(m.name ?? m.constructor.name),
        });
    } finally {
      await runner.release();
    }
    printRows(rows, Boolean(opts.json));
    if (rows.some((r) => !r.applied)) process.exitCode = 3; // scripts can tell "pending" apart
  }
}

@Command({ name: 'migrate:revert', description: 'revert the most recent applied migration' })
export class MigrateRevertCommand extends JsonCommand {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async run(_args: string[], opts: { json?: boolean }): Promise<void> {
    const before = await this.ds.showMigrations();
    await this.ds.undoLastMigration({ transaction: 'each' });
    printRows([{ reverted: true, pendingBefore: before }], Boolean(opts.json));
  }
}
