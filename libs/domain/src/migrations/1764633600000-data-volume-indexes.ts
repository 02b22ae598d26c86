import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for a year of data (issue #19): every hot query walks an index in its own order and
 * stops at its LIMIT, instead of reading (and, for the periodic jobs, locking) rows it does not
 * return. Each one names the query it serves.
 */
const ADDED: [table: string, name: string, columns: string[]][] = [
  // the due-work claim, one state at a time: WHERE state = ? AND next_run_at <= ? ORDER BY next_run_at
  ['projects', 'ix_projects_state_due', ['state', 'next_run_at', 'lease_until']],
  // housekeeping's lease clearing reads only the expired leases
  ['projects', 'ix_projects_lease_until', ['lease_until']],
  // admin project list (newest first) and its state filter (FAILED pages)
  ['projects', 'ix_projects_created', ['created_at']],
  ['projects', 'ix_projects_state_created', ['state', 'created_at']],
  // an owner's list filtered by one state (the archive: DONE)
  ['projects', 'ix_projects_owner_state_created', ['owner_user_id', 'state', 'created_at']],
  ['projects', 'ix_projects_partner_state_created', ['partner_id', 'state', 'created_at']],
  // provider health's last error: the newest FAILED project of one step
  ['projects', 'ix_projects_state_step_updated', ['state', 'step', 'updated_at']],
  // the budget check sums one provider's day from the index alone
  ['usage_records', 'ix_usage_provider_created_cost', ['provider', 'created_at', 'cost_usd']],
  // usage per day and the monthly cost report: a date range, from the index alone
  ['usage_records', 'ix_usage_created', ['created_at', 'provider', 'units', 'cost_usd']],
  // provider health's counts and ETAs' recent durations, from the index alone
  ['project_events', 'ix_project_events_step_at_state', ['step', 'at', 'to_state', 'duration_ms']],
  // admin user list and search, newest first among accounts not deleted
  ['users', 'ix_users_deleted_created', ['deleted_at', 'created_at']],
];

/** Replaced by a wider index above that serves the same queries. */
const REPLACED: [table: string, name: string, columns: string[]][] = [
  ['projects', 'ix_projects_due', ['next_run_at', 'lease_until']],
  ['usage_records', 'ix_usage_provider_created', ['provider', 'created_at']],
  ['project_events', 'ix_project_events_step_at', ['step', 'at']],
];

export class DataVolumeIndexes1764633600000 implements MigrationInterface {
  name = 'DataVolumeIndexes1764633600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of ADDED)
      await queryRunner.createIndex(table, new TableIndex({ name, columnNames }));
    for (const [table, name] of REPLACED) await queryRunner.dropIndex(table, name);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of REPLACED)
      await queryRunner.createIndex(table, new TableIndex({ name, columnNames }));
    for (const [table, name] of [...ADDED].reverse()) await queryRunner.dropIndex(table, name);
  }
}
