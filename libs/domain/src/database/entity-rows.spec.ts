import { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { positionalParameters } from './entity-rows';

/** TypeORM's MySQL binding of named parameters (what EntityRows.query used on every call) */
const typeorms = (sql: string, params: Record<string, unknown>) =>
  MysqlDriver.prototype.escapeQueryWithParameters.call(
    { createParameter: () => '?' } as unknown as MysqlDriver,
    sql,
    params,
  );

describe('positionalParameters', () => {
  it("binds as TypeORM's MySQL driver binds when every :name is a parameter", () => {
    const sql =
      'SELECT p.`id` FROM projects p WHERE p.owner_user_id = :owner AND (p.created_at < :cursorAt' +
      ' OR (p.created_at = :cursorAt AND p.id < :cursorId)) ORDER BY p.created_at DESC LIMIT :limit';
    const params = { owner: 'u-1', cursorAt: new Date(0), cursorId: 'p-9', limit: 20, unused: 1 };
    const found = positionalParameters(sql)!;
    expect([found.text, found.names.map((n) => params[n as keyof typeof params])]).toEqual(
      typeorms(sql, params),
    );
    expect(found.names).toEqual(['owner', 'cursorAt', 'cursorAt', 'cursorId', 'limit']);
  });

  it('leaves a text that spreads a list to the driver', () => {
    expect(positionalParameters('SELECT 1 FROM t WHERE s IN (:...states) AND o = :owner')).toBe(
      null,
    );
  });

  it('finds nothing to bind in a text without parameters', () => {
    expect(positionalParameters('SELECT 1')).toEqual({ text: 'SELECT 1', names: [] });
  });
});
