import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What the database server itself says about its limits (the `capacity` command). */
@Injectable()
export class DatabaseServer {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The MySQL server's max_connections, when it answers; undefined otherwise. */
  async maxConnections(): Promise<number | undefined> {
    const rows: { Value: string }[] = await this.ds
      .query("SHOW VARIABLES LIKE 'max_connections'")
      .catch(() => []);
    return rows[0] ? Number(rows[0].Value) : undefined;
  }
}
