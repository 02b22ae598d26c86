export * from './files.module';
export * from './media-links';
export * from './blob-tiering';
