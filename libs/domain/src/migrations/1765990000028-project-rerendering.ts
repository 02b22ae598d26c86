import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** A finished project rendered again stays DONE for its owner until the new video is saved. */
export class ProjectRerendering1765990000028 implements MigrationInterface {
  name = 'ProjectRerendering1765990000028';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'projects',
      new TableColumn({ name: 'rerendering', type: 'boolean', default: 0 }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('projects', 'rerendering');
  }
}
