import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { toSqliteTime } from '../database/raw-sql';
import { quotaWindow } from '../pipeline/quota-window';

/**
 * The daily project quota held by the projects themselves: each new project takes one of its
 * owner's numbered places of the day (quota_day, quota_slot), unique per owner, so the INSERT
 * that makes a project is the atomic check of the limit. Today's projects are given places, so
 * the day of the upgrade keeps its limit.
 */
export class ProjectQuotaSlots1765300000000 implements MigrationInterface {
  name = 'ProjectQuotaSlots1765300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('projects', [
      new TableColumn({ name: 'quota_day', type: 'varchar', length: '10', isNullable: true }),
      new TableColumn({ name: 'quota_slot', type: 'integer', isNullable: true }),
    ]);
    await queryRunner.createIndices('projects', [
      new TableIndex({
        name: 'ux_projects_owner_quota',
        columnNames: ['owner_user_id', 'quota_day', 'quota_slot'],
        isUnique: true,
      }),
      new TableIndex({
        name: 'ux_projects_partner_quota',
        columnNames: ['partner_id', 'quota_day', 'quota_slot'],
        isUnique: true,
      }),
    ]);
    const { since, day } = quotaWindow(new Date());
    const sqlite = queryRunner.connection.options.type === 'better-sqlite3';
    const today: { id: string; owner: string | null }[] = await queryRunner.query(
      `SELECT id, COALESCE(owner_user_id, partner_id) AS owner FROM projects
       WHERE created_at >= ? ORDER BY created_at, id`,
      [sqlite ? toSqliteTime(since) : since],
    );
    const taken = new Map<string, number>();
    for (const p of today) {
      if (!p.owner) continue;
      const slot = taken.get(p.owner) ?? 0;
      taken.set(p.owner, slot + 1);
      await queryRunner.query('UPDATE projects SET quota_day = ?, quota_slot = ? WHERE id = ?', [
        day,
        slot,
        p.id,
      ]);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('projects', 'ux_projects_partner_quota');
    await queryRunner.dropIndex('projects', 'ux_projects_owner_quota');
    await queryRunner.dropColumns('projects', ['quota_slot', 'quota_day']);
  }
}
