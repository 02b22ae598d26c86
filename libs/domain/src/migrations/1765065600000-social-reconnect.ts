import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A connected account whose grant died (YouTube invalid_grant, Instagram code 190) waits for its
 * owner to connect it again: when and why are kept on the account; its publications are parked.
 */
export class SocialReconnect1765065600000 implements MigrationInterface {
  name = 'SocialReconnect1765065600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('social_accounts', [
      new TableColumn({
        name: 'reconnect_needed_at',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
      new TableColumn({ name: 'reconnect_reason', type: 'text', isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('social_accounts', ['reconnect_needed_at', 'reconnect_reason']);
  }
}
