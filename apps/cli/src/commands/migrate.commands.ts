import { Command } from 'nest-commander';
import { SchemaMigrations } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

@Command({
  name: 'migrate',
  description: 'apply every pending migration to the configured database',
})
export class MigrateCommand extends JsonCommand {
  constructor(private readonly migrations: SchemaMigrations) {
    super();
  }

  async run(_args: string[], opts: { json?: boolean }): Promise<void> {
    const applied = await this.migrations.apply();
    if (applied.length === 0 && !opts.json)
      return void process.stdout.write('database up to date: no pending migration\n');
    printRows(
      applied.map((name) => ({ applied: name })),
      Boolean(opts.json),
    );
  }
}

@Command({ name: 'migrate:status', description: 'list migrations and whether each is applied' })
export class MigrateStatusCommand extends JsonCommand {
  constructor(private readonly migrations: SchemaMigrations) {
    super();
  }

  async run(_args: string[], opts: { json?: boolean }): Promise<void> {
    const rows = await this.migrations.status();
    printRows(rows, Boolean(opts.json));
    if (rows.some((r) => !r.applied)) process.exitCode = 3; // scripts can tell "pending" apart
  }
}

@Command({ name: 'migrate:revert', description: 'revert the most recent applied migration' })
export class MigrateRevertCommand extends JsonCommand {
  constructor(private readonly migrations: SchemaMigrations) {
    super();
  }

  async run(_args: string[], opts: { json?: boolean }): Promise<void> {
    const { pendingBefore } = await this.migrations.revertLast();
    printRows([{ reverted: true, pendingBefore }], Boolean(opts.json));
  }
}
