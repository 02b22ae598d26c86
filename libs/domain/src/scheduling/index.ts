export * from './predecessor';
export * from './housekeeping';
export * from './leader-lease';
export * from './scheduling.module';
export * from './work-claims';
