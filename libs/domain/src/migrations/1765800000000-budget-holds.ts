import { MigrationInterface, QueryRunner, Table, TableOptions } from 'typeorm';

/**
 * The daily budget held under concurrency: a paid submission holds its estimated cost
 * (budget_holds) until its usage is metered, and holds of one provider's day are taken one
 * after the other on that day's row (budget_days). The check-then-submit it replaces let two
 * renders checked 11 ms apart both pass when only one fitted.
 */
const TABLES: TableOptions[] = [
  {
    name: 'budget_days',
    columns: [
      { name: 'provider', type: 'varchar', length: '32', isPrimary: true },
      { name: 'day', type: 'varchar', length: '10', isPrimary: true },
      { name: 'holds_asked', type: 'integer' },
    ],
  },
  {
    name: 'budget_holds',
    columns: [
      { name: 'provider', type: 'varchar', length: '32', isPrimary: true },
      { name: 'hold_key', type: 'varchar', length: '200', isPrimary: true },
      { name: 'day', type: 'varchar', length: '10' },
      { name: 'amount_usd', type: 'double' },
      { name: 'created_at', type: 'datetime', precision: 3 },
    ],
    indices: [{ name: 'ix_budget_holds_day', columnNames: ['provider', 'day', 'amount_usd'] }],
  },
];

export class BudgetHolds1765800000000 implements MigrationInterface {
  name = 'BudgetHolds1765800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.createTable(new Table(table), true);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('budget_holds');
    await queryRunner.dropTable('budget_days');
  }
}
