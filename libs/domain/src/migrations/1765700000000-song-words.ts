import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Whether a song is sung (SongClip.vocals) and when each of its words is sung (the provider's
 * word timings, asked once for the clip the video uses), so captions follow the voice.
 */
export class SongWords1765700000000 implements MigrationInterface {
  name = 'SongWords1765700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('songs', [
      new TableColumn({ name: 'vocals', type: 'boolean', default: 1 }),
      new TableColumn({ name: 'words', type: 'text', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('songs', 'words');
    await queryRunner.dropColumn('songs', 'vocals');
  }
}
