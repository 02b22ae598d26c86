import { Test, TestingModule } from '@nestjs/testing';
import {
  AppConfig,
  AppRole,
  CastadConfigModule,
  DatabaseModule,
  DatabaseRouter,
  validateEnvironment,
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
  const config = new AppConfig(validateEnvironment(env), role);
  const module = await Test.createTestingModule({
    imports: [CastadConfigModule.forRoot(role), DatabaseModule],
  })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  await module.init();
  return {
    module,
    router: module.get(DatabaseRouter),
    dataSource: module.get(DataSource),
    close: () => module.close(),
  };
}
