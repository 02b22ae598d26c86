export * from './ai-disclosure';
export * from './publication-state';
export * from './publication-runner';
export * from './publication.service';
export * from './social.module';
export * from './social.service';
export * from './token-cipher';
