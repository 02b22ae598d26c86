export * from './leader-lease.repository';
export * from './refresh-token-housekeeping.repository';
export * from './predecessor';
