export * from './blob-object.repository';
