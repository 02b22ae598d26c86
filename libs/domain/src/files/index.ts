export * from './blob-object.repository';
export * from './files.module';
