import { LoggerService } from '@nestjs/common';
import { StartUpQuietLogger } from './start-up-logger';

describe('StartUpQuietLogger', () => {
  const lines: [string, unknown, unknown][] = [];
  const record =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) =>
      void lines.push([level, message, rest.at(-1)]);
  const inner: LoggerService = {
    log: record('info'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
  };
  const logger = new StartUpQuietLogger(inner);
  beforeEach(() => (lines.length = 0));

  it("puts Nest's per-module and per-route start-up lines at debug", () => {
    logger.log('Mapped {/v1/projects, GET} route', 'RouterExplorer');
    logger.log('ProjectsController {/v1/projects}:', 'RoutesResolver');
    logger.log('ApiModule dependencies initialized', 'InstanceLoader');
    expect(lines.map(([level]) => level)).toEqual(['debug', 'debug', 'debug']);
    expect(lines[0]).toEqual(['debug', 'Mapped {/v1/projects, GET} route', 'RouterExplorer']);
  });

  it('passes every other line on at its own level', () => {
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('listening');
    logger.warn('the JWT secret is short', 'config');
    logger.error('boom', 'stack', 'RouterExplorer');
    expect(lines).toEqual([
      ['info', 'Nest application successfully started', 'NestApplication'],
      ['info', 'listening', undefined],
      ['warn', 'the JWT secret is short', 'config'],
      ['error', 'boom', 'RouterExplorer'],
    ]);
  });

  it('gives a fatal line to a logger without fatal as an error', () => {
    logger.fatal('the database is gone', 'api');
    expect(lines).toEqual([['error', 'the database is gone', 'api']]);
  });
});
