import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * One engine for leased work: publications get the projects' lease columns; the no-op states
 * VIDEO_READY and PUBLISHING go (a finished render is DONE); why a project waits is a column,
 * not the text of its last error.
 */
export class OneWorkEngine1764979200000 implements MigrationInterface {
  name = 'OneWorkEngine1764979200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('sns_uploads', [
      new TableColumn({ name: 'lease_owner', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'lease_until', type: 'datetime', precision: 3, isNullable: true }),
    ]);
    await queryRunner.dropIndex('sns_uploads', 'ix_sns_uploads_due');
    // the claim walks (state, next_run_at) per live state; housekeeping finds leases by lease_until
    await queryRunner.createIndices('sns_uploads', [
      new TableIndex({
        name: 'ix_sns_uploads_state_due',
        columnNames: ['state', 'next_run_at', 'lease_until'],
      }),
      new TableIndex({ name: 'ix_sns_uploads_lease_until', columnNames: ['lease_until'] }),
    ]);
    await queryRunner.addColumn(
      'projects',
      new TableColumn({ name: 'wait_reason', type: 'varchar', length: '32', isNullable: true }),
    );
    await queryRunner.query(
      "UPDATE projects SET wait_reason = 'budget' WHERE last_error LIKE 'waiting: the daily%'",
    );
    await queryRunner.query(
      "UPDATE projects SET state = 'DONE', step = NULL, next_run_at = NULL WHERE state IN ('VIDEO_READY', 'PUBLISHING') OR (state = 'FAILED' AND step IN ('finish', 'publish'))",
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('projects', 'wait_reason');
    await queryRunner.dropIndex('sns_uploads', 'ix_sns_uploads_state_due');
    await queryRunner.dropIndex('sns_uploads', 'ix_sns_uploads_lease_until');
    await queryRunner.createIndex(
      'sns_uploads',
      new TableIndex({ name: 'ix_sns_uploads_due', columnNames: ['next_run_at'] }),
    );
    await queryRunner.dropColumns('sns_uploads', ['lease_owner', 'lease_until']);
  }
}
