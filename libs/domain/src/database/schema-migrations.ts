import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type MigrationStatus = {
  name: string;
  applied: boolean;
};

/** The schema's migrations on the configured database, for the ops commands (`migrate*`). */
@Injectable()
export class SchemaMigrations {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Applies every pending migration, each in its own transaction; the names it applied. */
  async apply(): Promise<string[]> {
    const applied = await this.ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  }

  /** Every migration, in order, and whether the database has it (read on the primary). */
  async status(): Promise<MigrationStatus[]> {
    const runner = this.ds.createQueryRunner('master');
    try {
      const table = this.ds.options.migrationsTableName ?? 'migrations';
      const done = (await runner.hasTable(table))
        ? new Set(
            (await runner.query(`SELECT name FROM ${table}`)).map((r: { name: string }) => r.name),
          )
        : new Set<string>();
      return this.ds.migrations.map((m) => {
        const name = m.name ?? m.constructor.name;
        return { name, applied: done.has(name) };
      });
    } finally {
      await runner.release();
    }
  }

  /** Reverts the most recent applied migration; whether any was pending before. */
  async revertLast(): Promise<{ pendingBefore: boolean }> {
    const pendingBefore = await this.ds.showMigrations();
    await this.ds.undoLastMigration({ transaction: 'each' });
    return { pendingBefore };
  }
}
