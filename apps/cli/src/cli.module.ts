import { Module } from '@nestjs/common';
import { AccountsModule, CastadConfigModule, DatabaseModule } from '@app/domain';
import { AdminGrantCommand, AdminRevokeCommand } from './commands/admin.commands';
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

/** Ops commands (nest-commander). Each command is a provider of this module. */
@Module({
  imports: [CastadConfigModule.forRoot('cli'), DatabaseModule, AccountsModule],
  providers: [
    MigrateCommand,
    MigrateStatusCommand,
    MigrateRevertCommand,
    AdminGrantCommand,
    AdminRevokeCommand,
    PartnerCreateCommand,
    KeyIssueCommand,
    KeyRevokeCommand,
    KeyListCommand,
    CapacityCommand,
  ],
})
export class CliModule {}
