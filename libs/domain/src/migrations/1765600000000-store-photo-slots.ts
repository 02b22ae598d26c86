import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * The per-store photo cap held by the photos themselves: each photo takes one of its store's
 * numbered places, unique per store, so concurrent uploads cannot pass the cap together (the
 * count-then-insert it replaces let 100 concurrent uploads store 100 photos). Existing photos
 * are numbered in the order they were added.
 */
export class StorePhotoSlots1765600000000 implements MigrationInterface {
  name = 'StorePhotoSlots1765600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'store_photos',
      new TableColumn({ name: 'slot', type: 'integer', isNullable: true }),
    );
    const rows: { id: string; store_id: string }[] = await queryRunner.query(
      'SELECT id, store_id FROM store_photos ORDER BY store_id, created_at, id',
    );
    let store = '';
    let slot = 0;
    for (const r of rows) {
      slot = r.store_id === store ? slot + 1 : 0;
      store = r.store_id;
      await queryRunner.query('UPDATE store_photos SET slot = ? WHERE id = ?', [slot, r.id]);
    }
    await queryRunner.createIndex(
      'store_photos',
      new TableIndex({
        name: 'ux_store_photos_slot',
        columnNames: ['store_id', 'slot'],
        isUnique: true,
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('store_photos', 'ux_store_photos_slot');
    await queryRunner.dropColumn('store_photos', 'slot');
  }
}
