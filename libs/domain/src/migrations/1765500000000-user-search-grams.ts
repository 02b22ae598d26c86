import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { userGrams } from '../accounts/user-search';

const BATCH = 1000;

/**
 * Admin user search from an index (accounts/user-search.ts): every user's nickname and email
 * cut into 2- and 3-character grams, keyed in the list's order. Existing users get theirs here.
 */
export class UserSearchGrams1765500000000 implements MigrationInterface {
  name = 'UserSearchGrams1765500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'user_search_grams',
        columns: [
          { name: 'gram', type: 'varchar', length: '12', isPrimary: true },
          { name: 'created_at', type: 'datetime', precision: 3, isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
        ],
      }),
      true,
    );
    for (let after = ''; ;) {
      const users: { id: string; nickname: string; email: string | null; created_at: Date }[] =
        await queryRunner.manager
          .createQueryBuilder()
          .select(['u.id AS id', 'u.nickname AS nickname', 'u.email AS email'])
          .addSelect('u.created_at', 'created_at')
          .from('users', 'u')
          .where('u.deleted_at IS NULL AND u.id > :after', { after })
          .orderBy('u.id')
          .limit(BATCH)
          .getRawMany();
      if (users.length === 0) break;
      const rows = users.flatMap((u) =>
        userGrams(u.nickname, u.email).map((gram) => ({
          gram,
          created_at: u.created_at,
          user_id: u.id,
        })),
      );
      for (let i = 0; i < rows.length; i += 500)
        await queryRunner.manager
          .createQueryBuilder()
          .insert()
          .into('user_search_grams', ['gram', 'created_at', 'user_id'])
          .values(rows.slice(i, i + 500))
          .orIgnore()
          .execute();
      after = users[users.length - 1].id;
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_search_grams', true);
  }
}
