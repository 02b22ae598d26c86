import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

const REPORT_PERCENT = new TableColumn({
  name: 'report_percent',
  type: 'integer',
  isNullable: true,
});

/**
 * A project row keeps the percent of its render's newest report of this run, so reading a
 * project (the API's GET one and the owner's list) needs no read of the event log for it.
 * Filled for the projects in a render's states from their events: the newest report since the
 * project last entered SONG_READY (the newest of those events, when it is a report).
 */
export class ProjectReportPercent1766045000000 implements MigrationInterface {
  name = 'ProjectReportPercent1766045000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('projects', REPORT_PERCENT);
    await queryRunner.query(
      `UPDATE projects SET report_percent = (
         SELECT e.percent FROM project_events e
         WHERE e.project_id = projects.id
           AND (e.percent IS NOT NULL OR (e.to_state = 'SONG_READY' AND e.from_state <> 'SONG_READY'))
         ORDER BY e.seq DESC LIMIT 1)
       WHERE state IN ('SONG_READY', 'VIDEO_SUBMITTED')
          OR (state IN ('FAILED', 'CANCELLED') AND step IN ('submit_video', 'poll_video'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('projects', REPORT_PERCENT.name);
  }
}
