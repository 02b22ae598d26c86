import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * An owner may let one partner publish to a connected account (partner keys with the
 * `publish` scope); none does until the owner says so.
 */
export class PublishingPartners1766010000000 implements MigrationInterface {
  name = 'PublishingPartners1766010000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'social_accounts',
      new TableColumn({
        name: 'publishing_partner_id',
        type: 'varchar',
        length: '36',
        isNullable: true,
      }),
    );
    await queryRunner.createIndex(
      'social_accounts',
      new TableIndex({
        name: 'ix_social_accounts_publishing_partner',
        columnNames: ['publishing_partner_id'],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('social_accounts', 'ix_social_accounts_publishing_partner');
    await queryRunner.dropColumn('social_accounts', 'publishing_partner_id');
  }
}
