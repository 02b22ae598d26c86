import { Test, TestingModule } from '@nestjs/testing';
import {
  AppRole,
  CastadConfigModule,
  DatabaseModule,
  DatabaseRouter,
  loadConfig,
} from '@app/domain';
import { DataSource } from 'typeorm';

/** The real DatabaseModule (the one the apps import) built from the given environment. */
export async function databaseApp(
  env: Record<string, string>,
  role: AppRole = 'api',
): Promise<{
  module: TestingModule;
  router: DatabaseRouter;
  dataSource: DataSource;
  close: () => Promise<void>;
}> {
  const module = await Test.createTestingModule({
    imports: [CastadConfigModule.forRoot(loadConfig(env, role)), DatabaseModule],
  }).compile();
  await module.init();
  return {
    module,
    router: module.get(DatabaseRouter),
    dataSource: module.get(DataSource),
    close: () => module.close(),
  };
}
