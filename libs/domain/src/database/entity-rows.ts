import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { execute, isSqlite } from './raw-sql';

type Hydrator = (
  row: Record<string, unknown>,
  driver: Driver,
  columns: ColumnMetadata[],
) => Record<string, unknown>;

interface Built {
  columns: ColumnMetadata[];
  list: string;
  hydrate: Hydrator;
  table: string;
  byProperty: Map<string, ColumnMetadata>;
}

/**
 * A function that builds the entity of a row as one object literal, each property converted by
 * the driver (`prepareHydratedValue`), in the columns' order. Generated once per entity from
 * its metadata (names quoted as JSON), because a loop adding properties by computed name made
 * every entity a slow object of its own: 8% of the owner's list's profile, now under 1% (bench:api).
 */
function hydrator(columns: ColumnMetadata[], prefix = ''): Hydrator {
  const props = columns.map(
    (c, i) =>
      `${JSON.stringify(c.propertyName)}: driver.prepareHydratedValue(row[${JSON.stringify(prefix + c.databaseName)}], columns[${i}])`,
  );
  return new Function('row', 'driver', 'columns', `return { ${props.join(', ')} };`) as Hydrator;
}

/** how many SQL texts' positional form an EntityRows keeps (its callers build a handful) */
const POSITIONAL_KEPT = 100;

/** the named parameters TypeORM's MySQL driver replaces (escapeQueryWithParameters) */
const NAMED_PARAMETER = /:(\.\.\.)?([A-Za-z0-9_.]+)/g;

interface Positional {
  text: string;
  names: string[];
}

/**
 * `sql` with each `:name` as `?` and the names in order, as TypeORM's MySQL driver binds it when
 * every `:name` is a parameter; null when it spreads a list (`:...name`, one `?` per element).
 */
export function positionalParameters(sql: string): Positional | null {
  const names: string[] = [];
  let spreads = false;
  const text = sql.replace(NAMED_PARAMETER, (_all, spread: string | undefined, name: string) => {
    if (spread) spreads = true;
    names.push(name);
    return '?';
  });
  return spreads ? null : { text, names };
}

/**
 * An entity's rows read with raw SQL: every column in a fixed list, each value converted as
 * TypeORM converts it for the driver (dates, booleans, JSON), without building the query and
 * mapping the result through the query builder on every call, which was most of the API's
 * CPU on its hottest reads (bench:api). For repositories' hot reads; the rest keep the builder.
 */
export class EntityRows<T extends ObjectLiteral> {
  private built?: Built;
  private readonly prefixed = new Map<string, Hydrator>();
  /** SQL texts with their parameters as `?` (see bind); null: left to the driver */
  private readonly positional = new Map<string, Positional | null>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly target: EntityTarget<T>,
    /** the table's alias in the caller's SQL */
    private readonly alias: string,
    /**
     * Only these properties' columns (a read that needs a few: fewer columns for the database to
     * send and for us to parse and convert); every column when left out
     */
    private readonly properties?: readonly (keyof T & string)[],
  ) {}

  /** `alias.col1, alias.col2, …`: every column, for the caller's SELECT */
  get columns(): string {
    return this.metadata().list;
  }

  /**
   * Runs `sql` (named parameters: `:name`, `:...list`) and converts its rows. Parameters go
   * through the driver's own escaping, so dates and booleans bind as the query builder binds them.
   */
  async query(em: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = this.bind(em, sql, params);
    const rows = (await em.query(text, values)) as Record<string, unknown>[];
    return rows.map((r) => this.hydrate(r));
  }

  /**
   * `sql`'s named parameters as the driver binds them. On MySQL that is each `:name` as `?` and
   * its value in order, remembered per SQL text: TypeORM's escapeQueryWithParameters scans the
   * text with a regular expression on every call (~1.2% of a read's CPU). The driver's own
   * binding serves a text that spreads a list (`:...name`), one with a `:word` that is no
   * parameter, a function value, and SQLite (which converts values as it binds them).
   */
  private bind(
    em: EntityManager,
    sql: string,
    params: Record<string, unknown>,
  ): [string, unknown[]] {
    const driver = em.connection.driver;
    if (isSqlite(em)) return driver.escapeQueryWithParameters(sql, params);
    let found = this.positional.get(sql);
    if (found === undefined) {
      found = positionalParameters(sql);
      if (this.positional.size < POSITIONAL_KEPT) this.positional.set(sql, found);
    }
    if (found?.names.every((n) => Object.hasOwn(params, n) && typeof params[n] !== 'function'))
      return [found.text, found.names.map((n) => params[n])];
    return driver.escapeQueryWithParameters(sql, params);
  }

  /**
   * `UPDATE <table> SET … WHERE <where>` with raw SQL: each property of `values` (undefined ones
   * left out, as the query builder leaves them) written to its column, converted by the driver as
   * TypeORM converts it (`preparePersistentValue`: dates, booleans, JSON); `where` uses `?`
   * placeholders for `params`. How many rows it changed. For the hot fenced writes (a step's
   * write-back, a transition), which the query builder made a good part of the scheduler's CPU.
   */
  async update(
    em: EntityManager,
    values: Partial<T>,
    where: string,
    params: unknown[],
  ): Promise<number> {
    const { table, byProperty } = this.metadata();
    const driver = em.connection.driver;
    const sets: string[] = [];
    const bound: unknown[] = [];
    for (const [property, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const column = byProperty.get(property);
      if (!column) throw new Error(`${table} has no column for ${property}`);
      sets.push(`${driver.escape(column.databaseName)} = ?`);
      bound.push(driver.preparePersistentValue(value, column));
    }
    const sql = `UPDATE ${driver.escape(table)} SET ${sets.join(', ')} WHERE ${where}`;
    return (await execute(em, sql, [...bound, ...params])).affected;
  }

  /**
   * `INSERT INTO <table> (…) VALUES (…), (…)` with raw SQL: one statement for `rows`, each
   * property a column (converted by the driver as TypeORM converts it); a column no row gives is
   * left to its default, and properties that are no column are left out, as the query builder
   * does. All rows give the same columns. With `upsert`, a row whose `conflict` columns (database
   * names) match an existing one updates that row's `update` columns instead (MySQL's ON
   * DUPLICATE KEY UPDATE, SQLite's ON CONFLICT DO UPDATE). For the step loop's inserts, which
   * the query builder made a good part of the scheduler's CPU.
   */
  async insert(
    em: EntityManager,
    rows: Partial<T>[],
    upsert?: { conflict: string[]; update: string[] },
  ): Promise<void> {
    if (rows.length === 0) return;
    const { table, columns } = this.metadata();
    const driver = em.connection.driver;
    const given = columns.filter((c) => rows[0][c.propertyName] !== undefined);
    const bound: unknown[] = [];
    for (const row of rows)
      for (const c of given) {
        const value: unknown = row[c.propertyName];
        if (value === undefined) throw new Error(`${table}: the rows give different columns`);
        bound.push(driver.preparePersistentValue(value, c));
      }
    const names = given.map((c) => driver.escape(c.databaseName));
    const tuple = `(${given.map(() => '?').join(', ')})`;
    let sql = `INSERT INTO ${driver.escape(table)} (${names.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
    if (upsert) {
      const q = (name: string) => driver.escape(name);
      sql += isSqlite(em)
        ? ` ON CONFLICT (${upsert.conflict.map(q).join(', ')}) DO UPDATE SET ${upsert.update.map((n) => `${q(n)} = excluded.${q(n)}`).join(', ')}`
        : ` ON DUPLICATE KEY UPDATE ${upsert.update.map((n) => `${q(n)} = VALUES(${q(n)})`).join(', ')}`;
    }
    await execute(em, sql, bound);
  }

  /** One raw row (snake_case column names) as the entity, converted as TypeORM converts it. */
  hydrate(row: Record<string, unknown>): T {
    return this.metadata().hydrate(row, this.dataSource.driver, this.metadata().columns) as T;
  }

  /**
   * The entity's part of a joined row, its columns selected as `prefixedColumns(prefix)` (a
   * join's tables share column names: `id`, `created_at`). Null where a LEFT JOIN found none.
   */
  hydratePrefixed(row: Record<string, unknown>, prefix: string): T | null {
    const { columns } = this.metadata();
    const primary = columns.find((c) => c.isPrimary)!;
    if (row[prefix + primary.databaseName] == null) return null;
    let hydrate = this.prefixed.get(prefix);
    if (!hydrate) this.prefixed.set(prefix, (hydrate = hydrator(columns, prefix)));
    return hydrate(row, this.dataSource.driver, columns) as T;
  }

  /** `alias.col1 AS prefixcol1, …`: every column under names of its own, for a join */
  prefixedColumns(prefix: string): string {
    const driver = this.dataSource.driver;
    return this.metadata()
      .columns.map(
        (c) =>
          `${this.alias}.${driver.escape(c.databaseName)} AS ${driver.escape(prefix + c.databaseName)}`,
      )
      .join(', ');
  }

  private metadata(): Built {
    if (!this.built) {
      const driver = this.dataSource.driver;
      const metadata = this.dataSource.getMetadata(this.target);
      const columns = this.properties
        ? this.properties.map((name) => {
            const column = metadata.findColumnWithPropertyName(name);
            if (!column) throw new Error(`${metadata.tableName} has no column for ${name}`);
            return column;
          })
        : metadata.columns;
      const list = columns.map((c) => `${this.alias}.${driver.escape(c.databaseName)}`).join(', ');
      this.built = {
        columns,
        list,
        hydrate: hydrator(columns),
        table: metadata.tableName,
        byProperty: new Map(columns.map((c) => [c.propertyName, c])),
      };
    }
    return this.built;
  }
}
