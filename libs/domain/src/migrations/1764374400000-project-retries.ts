import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** How many times a person retried a project: part of every idempotency key after a retry. */
export class ProjectRetries1764374400000 implements MigrationInterface {
  name = 'ProjectRetries1764374400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'projects',
      new TableColumn({ name: 'retries', type: 'integer', default: 0 }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('projects', 'retries');
  }
}
