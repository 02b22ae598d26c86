export * from './clock';
export * from './reading-schedule';
export * from './results-comparison';
export * from './result-reading-runner';
export * from './result-summaries';
export * from './results-store.module';
export * from './results.module';
export * from './video-results.service';
