import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A usage row is written as "sent" (the call's estimated units) before a paid call leaves, and
 * settled from the provider's answer: a call whose answer a crash lost keeps its estimate, so
 * every call a provider received has its row. Rows written before this were all settled.
 */
export class UsageSent1766000000270 implements MigrationInterface {
  name = 'UsageSent1766000000270';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'usage_records',
      new TableColumn({ name: 'status', type: 'varchar', length: '16', default: "'settled'" }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('usage_records', 'status');
  }
}
