import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/** Project state history (progress stream, ETAs) and the crash-safe submission marker. */
export class PipelineEvents1764288000000 implements MigrationInterface {
  name = 'PipelineEvents1764288000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'project_events',
        columns: [
          {
            name: 'seq',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'project_id', type: 'varchar', length: '36' },
          { name: 'from_state', type: 'varchar', length: '32' },
          { name: 'to_state', type: 'varchar', length: '32' },
          { name: 'step', type: 'varchar', length: '32', isNullable: true },
          { name: 'duration_ms', type: 'integer', isNullable: true },
          { name: 'message', type: 'text', isNullable: true },
          { name: 'at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_project_events_project', columnNames: ['project_id', 'seq'] },
          { name: 'ix_project_events_step_at', columnNames: ['step', 'at'] },
        ],
      }),
      true,
    );
    await queryRunner.addColumns('projects', [
      new TableColumn({
        name: 'pending_submission_key',
        type: 'varchar',
        length: '200',
        isNullable: true,
      }),
      new TableColumn({
        name: 'pending_submission_at',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('projects', 'pending_submission_at');
    await queryRunner.dropColumn('projects', 'pending_submission_key');
    await queryRunner.dropTable('project_events', true);
  }
}
