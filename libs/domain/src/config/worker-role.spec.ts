import { loadConfig } from './load-config';

// a secret given, so no embedded one is written beside the SQLite file
const SECRET = { JWT_SECRET: 'x'.repeat(32) };
const KAKAO = {
  KAKAO_CLIENT_ID: 'rest-key',
  KAKAO_APP_ID: '1234',
  KAKAO_REDIRECT_URI: 'https://api.example.com/v1/auth/kakao/callback',
};
const MYSQL = { DB_HOST: 'db', DB_USER: 'castad', DB_NAME: 'castad', DB_PASSWORD: 'secret' };
/** a stage 3 deployment: MySQL with a replica, Redis, Azure Blob */
const STAGE3 = {
  CASTAD_STAGE: '3',
  ...MYSQL,
  DB_REPLICAS: 'replica:3306',
  REDIS_URL: 'redis://redis:6379',
  ...SECRET,
  AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  PUBLIC_BASE_URL: 'https://api.castad.kr',
  ...KAKAO,
};

describe('the worker role and the queues a process works', () => {
  it('starts a worker at stage 3, working every queue unless WORK_QUEUES names some', () => {
    const all = loadConfig(STAGE3, 'worker');
    expect([all.role, all.pipeline.driver, all.scheduler.workQueues]).toEqual([
      'worker',
      'bull',
      ['store', 'lyrics', 'song', 'video', 'publish'],
    ]);
    const renders = loadConfig(
      { ...STAGE3, WORK_QUEUES: ' video ', WORK_CONCURRENCY: '1' },
      'worker',
    );
    expect([renders.scheduler.workQueues, renders.scheduler.workConcurrency]).toEqual([
      ['video'],
      1,
    ]);
    // the scheduler beside render workers leaves renders to them
    const leader = loadConfig({ ...STAGE3, WORK_QUEUES: 'publish,store,song,lyrics' }, 'scheduler');
    expect(leader.scheduler.workQueues).toEqual(['store', 'lyrics', 'song', 'publish']);
  });

  it('refuses a worker that could not share the work: embedded, or without Bull', () => {
    expect(() => loadConfig(SECRET, 'worker')).toThrow(
      /CASTAD_STAGE: a worker shares the database/,
    );
    expect(() => loadConfig(SECRET, 'worker')).toThrow(
      /DISPATCH_DRIVER: a worker takes its jobs from Bull/,
    );
    expect(() => loadConfig({ ...STAGE3, DISPATCH_DRIVER: 'inprocess' }, 'worker')).toThrow(
      /DISPATCH_DRIVER/,
    );
    // the same settings are fine for a scheduler, which works in-process
    expect(loadConfig(SECRET, 'scheduler').pipeline.driver).toBe('inprocess');
  });

  it('names a queue that does not exist', () => {
    expect(() => loadConfig({ ...STAGE3, WORK_QUEUES: 'video,render' }, 'worker')).toThrow(
      /WORK_QUEUES \("video,render"\): WORK_QUEUES must be a comma-separated list of store, lyrics, song, video, publish/,
    );
  });

  it('hands renders over through the blob store where Bull may poll them on another host', () => {
    expect(loadConfig(STAGE3, 'scheduler').integrations.handOffRenders).toBe(true);
    expect(loadConfig(SECRET, 'scheduler').integrations.handOffRenders).toBe(false);
  });
});
