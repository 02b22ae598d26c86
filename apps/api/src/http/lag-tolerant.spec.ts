import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseContext } from '@app/domain';
import { LagTolerant, openDatabaseScopes } from './lag-tolerant';

/** What a route saw of its request's database scope. */
@Controller()
class ScopeController {
  @Get('view')
  @LagTolerant()
  view() {
    return { mayReadReplica: DatabaseContext.mayReadReplica() };
  }

  @Get('action')
  action() {
    return { mayReadReplica: DatabaseContext.mayReadReplica() };
  }

  @Get('view-that-writes')
  @LagTolerant()
  async viewThatWrites() {
    await Promise.resolve();
    DatabaseContext.markWrote();
    await Promise.resolve();
    return { mayReadReplica: DatabaseContext.mayReadReplica() };
  }
}

@Module({ controllers: [ScopeController] })
class ScopeModule {}

describe('the database scope of an HTTP request', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ScopeModule, new FastifyAdapter(), {
      logger: false,
    });
    openDatabaseScopes(app.getHttpAdapter().getInstance());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const seen = async (url: string) =>
    (await app.inject({ method: 'GET', url })).json<{ mayReadReplica: boolean }>().mayReadReplica;

  it('lets a @LagTolerant() view read a replica, and nothing else', async () => {
    expect(await seen('/view')).toBe(true);
    expect(await seen('/action')).toBe(false);
    // outside any request nothing is remembered: the primary
    expect(DatabaseContext.mayReadReplica()).toBe(false);
  });

  it('keeps each request in a scope of its own, through its awaits (read-your-writes)', async () => {
    expect(await seen('/view-that-writes')).toBe(false);
    // the write was that request's: the next view reads the replica again
    expect(await seen('/view')).toBe(true);
  });
});
