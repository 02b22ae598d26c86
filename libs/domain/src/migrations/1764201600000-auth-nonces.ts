import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Used login-state nonces, so a replayed Kakao login state is refused on any instance. */
export class AuthNonces1764201600000 implements MigrationInterface {
  name = 'AuthNonces1764201600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_nonces',
        columns: [
          { name: 'nonce', type: 'varchar', length: '64', isPrimary: true },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'ix_auth_nonces_expires', columnNames: ['expires_at'] }],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_nonces', true);
  }
}
