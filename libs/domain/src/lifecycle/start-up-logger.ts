import { LoggerService } from '@nestjs/common';

/** Nest's own start-up lines: one per module, per controller and per route. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * The app's logger with Nest's start-up chatter moved to debug. At info it was 140 lines per API
 * start (a line per route), which buried what an operator or a newcomer's `npm start` needs to
 * see: the ready line, a configuration warning, the first error. Everything else is passed on
 * as it is.
 */
export class StartUpQuietLogger implements LoggerService {
  constructor(private readonly logger: LoggerService) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context))
      this.logger.debug?.(message, ...rest);
    else this.logger.log(message, ...rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.logger.error(message, ...rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn(message, ...rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug?.(message, ...rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.verbose?.(message, ...rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    // a logger without fatal still gets the line, as an error
    if (this.logger.fatal) this.logger.fatal(message, ...rest);
    else this.logger.error(message, ...rest);
  }
}
