import { Column, ColumnOptions } from 'typeorm';

/**
 * Column types that mean the same on SQLite and MySQL/MariaDB, so one entity set and one
 * migration set serve both (design.md section 3). Times keep milliseconds: leases and
 * due-work ordering compare them.
 */
export const Id = () => Column({ type: 'varchar', length: 36, primary: true });
export const Ref = (opts: ColumnOptions = {}) => Column({ type: 'varchar', length: 36, ...opts });
export const Str = (length: number, opts: ColumnOptions = {}) =>
  Column({ type: 'varchar', length, ...opts });
export const Text = (opts: ColumnOptions = {}) => Column({ type: 'text', ...opts });
export const Int = (opts: ColumnOptions = {}) => Column({ type: 'integer', ...opts });
export const Num = (opts: ColumnOptions = {}) => Column({ type: 'double', ...opts });
export const Bool = (opts: ColumnOptions = {}) => Column({ type: 'boolean', ...opts });
export const Json = (opts: ColumnOptions = {}) => Column({ type: 'simple-json', ...opts });
export const Time = (opts: ColumnOptions = {}) =>
  Column({ type: 'datetime', precision: 3, ...opts });
/**
 * Set by TimestampSubscriber rather than a DB default: SQLite and MySQL spell "now with
 * milliseconds" differently, and one migration set must serve both.
 */
export const CreatedAt = () => Column({ type: 'datetime', precision: 3 });
export const UpdatedAt = () => Column({ type: 'datetime', precision: 3 });
