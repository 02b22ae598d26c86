import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * How far a running step has got (a render's percent), on the event rows that report it:
 * a project's percent moves during a long step, and the live stream shows it.
 */
export class EventPercent1764806400018 implements MigrationInterface {
  name = 'EventPercent1764806400018';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'project_events',
      new TableColumn({ name: 'percent', type: 'integer', isNullable: true }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('project_events', 'percent');
  }
}
