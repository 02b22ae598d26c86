import { CommandRunner, Option } from 'nest-commander';

/** Every command can print JSON for scripts instead of a table for people. */
export abstract class JsonCommand extends CommandRunner {
  @Option({ flags: '--json', description: 'print JSON instead of a table' })
  parseJson(): boolean {
    return true;
  }
}
