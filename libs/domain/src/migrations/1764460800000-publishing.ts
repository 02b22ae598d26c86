import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * What a publication needs to go on after an interruption (the platform's upload session
 * or container id), its attempts and tags; when a user was blocked is already on users.
 */
export class Publishing1764460800000 implements MigrationInterface {
  name = 'Publishing1764460800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('sns_uploads', [
      new TableColumn({ name: 'session', type: 'text', isNullable: true }),
      new TableColumn({ name: 'tags', type: 'text', isNullable: true }),
      new TableColumn({ name: 'attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'owner_user_id', type: 'varchar', length: '36', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const c of ['owner_user_id', 'attempts', 'tags', 'session'])
      await queryRunner.dropColumn('sns_uploads', c);
  }
}
