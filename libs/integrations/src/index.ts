export * from './integrations.module';
export * from './kakao/kakao-identity';
export * from './kakao/kakao-profile';
export * from './http/provider-http';
