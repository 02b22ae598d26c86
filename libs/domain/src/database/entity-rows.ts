import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

type Hydrator = (
  row: Record<string, unknown>,
  driver: Driver,
  columns: ColumnMetadata[],
) => Record<string, unknown>;

interface Built {
  columns: ColumnMetadata[];
  list: string;
  hydrate: Hydrator;
}

/**
 * A function that builds the entity of a row as one object literal, each property converted by
 * the driver (`prepareHydratedValue`), in the columns' order. Generated once per entity from
 * its metadata (names quoted as JSON), because a loop adding properties by computed name made
 * every entity a slow object of its own: 8% of the owner's list's profile, now under 1% (bench:api).
 */
function hydrator(columns: ColumnMetadata[]): Hydrator {
  const props = columns.map(
    (c, i) =>
      `${JSON.stringify(c.propertyName)}: driver.prepareHydratedValue(row[${JSON.stringify(c.databaseName)}], columns[${i}])`,
  );
  return new Function('row', 'driver', 'columns', `return { ${props.join(', ')} };`) as Hydrator;
}

/**
 * An entity's rows read with raw SQL: every column in a fixed list, each value converted as
 * TypeORM converts it for the driver (dates, booleans, JSON), without building the query and
 * mapping the result through the query builder on every call, which was most of the API's
 * CPU on its hottest reads (bench:api). For repositories' hot reads; the rest keep the builder.
 */
export class EntityRows<T extends ObjectLiteral> {
  private built?: Built;

  constructor(
    private readonly dataSource: DataSource,
    private readonly target: EntityTarget<T>,
    /** the table's alias in the caller's SQL */
    private readonly alias: string,
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
    const [text, values] = em.connection.driver.escapeQueryWithParameters(sql, params);
    const rows = (await em.query(text, values)) as Record<string, unknown>[];
    return rows.map((r) => this.hydrate(r));
  }

  /** One raw row (snake_case column names) as the entity, converted as TypeORM converts it. */
  hydrate(row: Record<string, unknown>): T {
    return this.metadata().hydrate(row, this.dataSource.driver, this.metadata().columns) as T;
  }

  private metadata(): Built {
    if (!this.built) {
      const driver = this.dataSource.driver;
      const columns = this.dataSource.getMetadata(this.target).columns;
      const list = columns.map((c) => `${this.alias}.${driver.escape(c.databaseName)}`).join(', ');
      this.built = { columns, list, hydrate: hydrator(columns) };
    }
    return this.built;
  }
}
