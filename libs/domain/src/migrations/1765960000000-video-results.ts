import { sqlTime } from '../database/raw-sql';
import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableIndex,
  TableOptions,
} from 'typeorm';

const time = (name: string, isNullable = true) =>
  ({ name, type: 'datetime', precision: 3, isNullable }) as const;
const count = (name: string) => ({ name, type: 'integer', isNullable: true }) as const;
const str = (name: string, length: number, isPrimary = false) =>
  ({ name, type: 'varchar', length: String(length), isPrimary }) as const;

/**
 * Each published video's results read back: the leased work of reading (one row per account),
 * the readings as a time series, the quota spent per day, and on each publication when it was
 * published and when it is read next. Publications already published are read from now on.
 */
const TABLES: TableOptions[] = [
  {
    name: 'result_readers',
    columns: [
      str('id', 36, true),
      str('platform', 16),
      str('state', 16),
      time('next_run_at'),
      { name: 'attempts', type: 'integer', default: 0 },
      { name: 'last_error', type: 'text', isNullable: true },
      { ...str('lease_owner', 100), isNullable: true },
      time('lease_until'),
      time('created_at', false),
      time('updated_at', false),
    ],
    indices: [
      {
        name: 'ix_result_readers_state_due',
        columnNames: ['state', 'next_run_at', 'lease_until'],
      },
      { name: 'ix_result_readers_lease_until', columnNames: ['lease_until'] },
    ],
  },
  {
    name: 'video_readings',
    columns: [
      str('id', 36, true),
      str('publication_id', 36),
      str('project_id', 36),
      str('platform', 16),
      time('read_at', false),
      ...['views', 'likes', 'comments', 'reach', 'saved', 'shares'].map(count),
      count('total_interactions'),
      count('avg_watch_time_ms'),
    ],
    indices: [
      { name: 'ix_video_readings_publication_read', columnNames: ['publication_id', 'read_at'] },
      { name: 'ix_video_readings_project_read', columnNames: ['project_id', 'read_at'] },
      { name: 'ix_video_readings_read', columnNames: ['read_at'] },
    ],
  },
  {
    name: 'result_quota_days',
    columns: [
      str('platform', 16, true),
      str('day', 10, true),
      { name: 'units_used', type: 'integer' },
    ],
  },
];

export class VideoResults1765960000000 implements MigrationInterface {
  name = 'VideoResults1765960000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(new Table(table), true);
    await queryRunner.addColumns('sns_uploads', [
      new TableColumn(time('published_at')),
      new TableColumn(time('results_due_at')),
      new TableColumn({ name: 'results_note', type: 'text', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'sns_uploads',
      new TableIndex({
        name: 'ix_sns_uploads_account_results_due',
        columnNames: ['social_account_id', 'results_due_at'],
      }),
    );
    // videos published before: read from now on, their publication taken as their last change
    const now = sqlTime(queryRunner.manager, new Date());
    // (plain SQL both dialects speak: the entities ahead of this migration cannot serve it)
    await queryRunner.query(
      'UPDATE sns_uploads SET published_at = updated_at, results_due_at = ? WHERE state = ?',
      [now, 'published'],
    );
    await queryRunner.query(
      `INSERT INTO result_readers (id, platform, state, next_run_at, attempts, created_at, updated_at)
       SELECT DISTINCT social_account_id, platform, 'reading', ?, 0, ?, ? FROM sns_uploads WHERE state = ?`,
      [now, now, now, 'published'],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sns_uploads', 'ix_sns_uploads_account_results_due');
    await queryRunner.dropColumns('sns_uploads', [
      'published_at',
      'results_due_at',
      'results_note',
    ]);
    for (const t of [...TABLES].reverse()) await queryRunner.dropTable(t.name);
  }
}
