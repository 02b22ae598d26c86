export * from './stage';
export * from './pool-sizing';
export * from './environment';
export * from './app-config';
export * from './config.module';
export * from './load-environment';
export * from './capacity';
