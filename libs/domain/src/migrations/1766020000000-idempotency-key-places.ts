import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * The live Idempotency-Keys of one caller are bounded by numbered places (`slot`, unique per
 * caller) taken by the INSERT of the key, not by a count before it: 100 concurrent requests
 * passed the count by a few. Each key names the request holding it (`holder`), whose short
 * lease it renews while it runs, so a retry takes over the key of a request that died before
 * its commit within seconds, and a request whose key was taken over cannot record its outcome.
 * Keys written before hold no place and expire as they were.
 */
const TABLE = 'idempotency_keys';
/** one key per place of a caller (keys from before hold none: NULL places repeat freely) */
const PLACE = new TableIndex({
  name: 'ux_idempotency_keys_place',
  columnNames: ['caller', 'slot'],
  isUnique: true,
});

export class IdempotencyKeyPlaces1766020000000 implements MigrationInterface {
  name = 'IdempotencyKeyPlaces1766020000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns(TABLE, [
      new TableColumn({ name: 'slot', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'holder', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await queryRunner.createIndex(TABLE, PLACE);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex(TABLE, PLACE.name!);
    for (const column of ['holder', 'slot']) await queryRunner.dropColumn(TABLE, column);
  }
}
