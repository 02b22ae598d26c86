import { CliName } from './cli-name';
import { DynamicModule, Module } from '@nestjs/common';
import { IntegrationsModule } from '@app/integrations';
import { BlobTierCommand } from './commands/blob-tier.command';
import { CostReportCommand } from './commands/cost.command';
import { PROJECT_COMMANDS } from './commands/project.commands';
import { UserExportCommand } from './commands/user-export.command';
import {
  AccountsModule,
  AppConfig,
  CastadConfigModule,
  DatabaseModule,
  FilesModule,
  PipelineModule,
} from '@app/domain';
import {
  AdminGrantCommand,
  AdminRevokeCommand,
  UserBlockCommand,
  UserUnblockCommand,
} from './commands/admin.commands';
import { CapacityCommand } from './commands/capacity.command';
import {
  MigrateCommand,
  MigrateRevertCommand,
  MigrateStatusCommand,
} from './commands/migrate.commands';
import {
  KeyIssueCommand,
  KeyListCommand,
  KeyRevokeCommand,
  PartnerCreateCommand,
} from './commands/partner.commands';

/**
 * Ops commands (nest-commander). Each command is a provider of this module. Imported through
 * forRoot(config), which provides the app's AppConfig to every module.
 */
@Module({
  imports: [
    DatabaseModule,
    AccountsModule,
    PipelineModule,
    FilesModule,
    IntegrationsModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (c: AppConfig) => c.integrations,
    }),
  ],
  providers: [
    CliName,
    MigrateCommand,
    MigrateStatusCommand,
    MigrateRevertCommand,
    AdminGrantCommand,
    AdminRevokeCommand,
    UserBlockCommand,
    UserUnblockCommand,
    PartnerCreateCommand,
    KeyIssueCommand,
    KeyRevokeCommand,
    KeyListCommand,
    CapacityCommand,
    CostReportCommand,
    UserExportCommand,
    BlobTierCommand,
    ...PROJECT_COMMANDS,
  ],
})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [CastadConfigModule.forRoot(config)] };
  }
}
