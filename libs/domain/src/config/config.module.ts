import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { EnvironmentVariables, validateEnvironment } from './environment';
import { AppRole } from './stage';

/**
 * Validates the environment once at boot (a bad variable stops the process, named) and
 * provides the typed AppConfig for the given process role.
 */
@Global()
@Module({})
export class CastadConfigModule {
  static forRoot(role: AppRole): DynamicModule {
    return {
      module: CastadConfigModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment }),
      ],
      providers: [
        {
          provide: AppConfig,
          useFactory: () => new AppConfig(validateEnvironment(process.env), role),
        },
      ],
      exports: [AppConfig],
    };
  }
}

export { EnvironmentVariables };
