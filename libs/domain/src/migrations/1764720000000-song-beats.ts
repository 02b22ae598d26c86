import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** A song's tempo and beat times (SongClip.beats), so the video cuts on its beats. */
export class SongBeats1764720000000 implements MigrationInterface {
  name = 'SongBeats1764720000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'songs',
      new TableColumn({ name: 'beats', type: 'text', isNullable: true }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('songs', 'beats');
  }
}
