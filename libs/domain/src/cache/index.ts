export * from './cache.service';
