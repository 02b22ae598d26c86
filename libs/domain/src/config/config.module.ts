import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/**
 * Provides the AppConfig an app was started with (main.ts loaded and validated it; a test
 * built its own), to every module of that app.
 */
@Global()
@Module({})
export class CastadConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CastadConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
