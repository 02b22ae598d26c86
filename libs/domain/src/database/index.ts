export * from './database-context';
export * from './database-router';
export * from './database-health';
export * from './database.module';
export * from './data-source-options';
export * from './connection-errors';
export * from './snake-naming.strategy';
export * from './keyset';
