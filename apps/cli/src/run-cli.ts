import { CommandFactory } from 'nest-commander';
import { AppConfig } from '@app/domain';
import { CliModule } from './cli.module';

/** Runs the command named on the command line, on the configuration given. */
export async function runCli(config: AppConfig): Promise<void> {
  await CommandFactory.run(CliModule.forRoot(config), {
    cliName: 'castad',
    logger: ['error', 'warn'],
    // commander has printed its own one-line error (or --help) already: only the exit code is left
    errorHandler: (err) => process.exit((err as Error & { exitCode?: number }).exitCode ?? 1),
    serviceErrorHandler: (err) => {
      console.error(err.message);
      process.exit(1);
    },
  });
}
