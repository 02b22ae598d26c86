import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * An entity's rows read with raw SQL: every column in a fixed list, each value converted as
 * TypeORM converts it for the driver (dates, booleans, JSON), without building the query and
 * mapping the result through the query builder on every call, which was most of the API's
 * CPU on its hottest reads (bench:api). For repositories' hot reads; the rest keep the builder.
 */
export class EntityRows<T extends ObjectLiteral> {
  private built?: { columns: ColumnMetadata[]; list: string };

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
    const driver = this.dataSource.driver;
    const entity: Record<string, unknown> = {};
    for (const c of this.metadata().columns)
      entity[c.propertyName] = driver.prepareHydratedValue(row[c.databaseName], c);
    return entity as T;
  }

  private metadata(): { columns: ColumnMetadata[]; list: string } {
    if (!this.built) {
      const driver = this.dataSource.driver;
      const columns = this.dataSource.getMetadata(this.target).columns;
      const list = columns.map((c) => `${this.alias}.${driver.escape(c.databaseName)}`).join(', ');
      this.built = { columns, list };
    }
    return this.built;
  }
}
