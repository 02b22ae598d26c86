export * from './provider-health.module';
export * from './provider-health.service';
