export * from './owner';
export * from './store.service';
export * from './stores.module';
export * from './store-search.service';
export * from './store-photo.service';
export * from './photo-size';
