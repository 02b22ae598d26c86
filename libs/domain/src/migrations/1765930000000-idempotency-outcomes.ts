import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Idempotency-Key records keep what the first request created (kind and ids), written in the
 * same transaction as the row, instead of the answer's body: a replay is rebuilt from the ids,
 * and an instance that dies between its commit and its answer leaves the outcome findable.
 * Each record names its caller, so the live keys of one caller can be bounded. Records from
 * before (bodies, no caller) are dropped: they would replay stale answers.
 */
export class IdempotencyOutcomes1765930000000 implements MigrationInterface {
  name = 'IdempotencyOutcomes1765930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM idempotency_keys');
    await queryRunner.dropColumn('idempotency_keys', 'response_body');
    await queryRunner.addColumns('idempotency_keys', [
      new TableColumn({ name: 'caller', type: 'varchar', length: '80', default: "''" }),
      new TableColumn({ name: 'resource_kind', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'resource_ids', type: 'text', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'idempotency_keys',
      new TableIndex({ name: 'ix_idempotency_keys_caller', columnNames: ['caller', 'expires_at'] }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM idempotency_keys');
    await queryRunner.dropIndex('idempotency_keys', 'ix_idempotency_keys_caller');
    await queryRunner.dropColumn('idempotency_keys', 'resource_ids');
    await queryRunner.dropColumn('idempotency_keys', 'resource_kind');
    await queryRunner.dropColumn('idempotency_keys', 'caller');
    await queryRunner.addColumn(
      'idempotency_keys',
      new TableColumn({ name: 'response_body', type: 'text', isNullable: true }),
    );
  }
}
