import { Module } from '@nestjs/common';
import { CastadConfigModule, DatabaseModule } from '@app/domain';
import {
  MigrateCommand,
  MigrateRevertCommand,
  MigrateStatusCommand,
} from './commands/migrate.commands';

/** Ops commands (nest-commander). Each command is a provider of this module. */
@Module({
  imports: [CastadConfigModule.forRoot('cli'), DatabaseModule],
  providers: [MigrateCommand, MigrateStatusCommand, MigrateRevertCommand],
})
export class CliModule {}
