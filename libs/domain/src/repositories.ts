/**
 * The repositories, for libs/domain itself and the test harness. Not part of `@app/domain`:
 * the apps call use cases, services and ports, never a repository (architecture.spec checks
 * every import under apps/).
 */
export * from './accounts/auth-nonce.repository';
export * from './accounts/partner.repository';
export * from './accounts/refresh-token.repository';
export * from './accounts/user-export.repository';
export * from './accounts/user.repository';
export * from './files/blob-object.repository';
export * from './idempotency/idempotency.repository';
export * from './pipeline/content.repository';
export * from './pipeline/budget-hold.repository';
export * from './pipeline/daily-quota.repository';
export * from './pipeline/pipeline-health.repository';
export * from './pipeline/project-event.repository';
export * from './pipeline/project-housekeeping.repository';
export * from './pipeline/project.repository';
export * from './pipeline/usage.repository';
export * from './scheduling/leader-lease.repository';
export * from './scheduling/refresh-token-housekeeping.repository';
export * from './social/publication.repository';
export * from './social/social-account.repository';
export * from './stores/store-photo.repository';
export * from './stores/store.repository';
export * from './results/result-reader.repository';
export * from './results/video-reading.repository';
