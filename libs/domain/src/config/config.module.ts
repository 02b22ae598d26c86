import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { EnvironmentVariables } from './environment';
import { validatedEnvironment } from './load-environment';
import { AppRole } from './stage';

/**
 * Provides the typed AppConfig for the given process role, built from the environment main.ts
 * validated at start-up (a bad variable has already stopped the process, named).
 */
@Global()
@Module({})
export class CastadConfigModule {
  static forRoot(role: AppRole): DynamicModule {
    return {
      module: CastadConfigModule,
      providers: [
        { provide: AppConfig, useFactory: () => new AppConfig(validatedEnvironment(), role) },
      ],
      exports: [AppConfig],
    };
  }
}

export { EnvironmentVariables };
