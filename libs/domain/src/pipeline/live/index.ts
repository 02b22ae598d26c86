export * from './project-event-feed';
export * from './project-event-message';
export * from './project-event-publisher';
export * from './redis-event-channel';
