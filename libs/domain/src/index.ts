export * from './config';
export * from './database';
export * from './entities';
export * from './migrations';
export * from './scheduling';
export * from './errors';
export * from './accounts';
export * from './stores';
