import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Responses of POSTs made with an Idempotency-Key, replayed for 24 hours on any instance. */
export class IdempotencyKeys1764547200000 implements MigrationInterface {
  name = 'IdempotencyKeys1764547200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'request_hash', type: 'varchar', length: '64' },
          { name: 'status_code', type: 'integer', isNullable: true },
          { name: 'response_body', type: 'text', isNullable: true },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'ix_idempotency_keys_expires', columnNames: ['expires_at'] }],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys', true);
  }
}
