export * from './backoff';
export * from './leased-table';
export * from './retry-policy';
export * from './step-queues';
export * from './leased-work-runner';
export * from './transition-table';
