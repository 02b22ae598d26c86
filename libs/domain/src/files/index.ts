export * from './blob-object.repository';
export * from './files.module';
export * from './media-links';
