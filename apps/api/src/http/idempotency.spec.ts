import { Body, HttpCode, Post } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppConfig,
  IdempotentAnswer,
  IdempotentRequest,
  IdempotentRequests,
  InvalidInputError,
} from '@app/domain';
import { Idempotent, IdempotencyKey, IdempotencyPipe, Once } from './idempotency';
import { IdempotentReplays } from './idempotent-replays';

class Projects {
  @Post()
  @Idempotent('project')
  @HttpCode(202)
  create(@Body() _b: unknown, @IdempotencyKey() once: Once): Promise<{ id: string }> {
    return once(async () => ({ id: 'p1' }));
  }
}

/** IdempotentRequests as a double: what it was asked, and the answer it gives. */
function requestsAnswering(answer: (req: IdempotentRequest) => IdempotentAnswer<unknown>) {
  const asked: IdempotentRequest[] = [];
  const requests = {
    run: async (req: IdempotentRequest, work: () => Promise<unknown>) => {
      asked.push(req);
      const a = answer(req);
      return a.replayed ? a : { ...a, body: await work() };
    },
  } as unknown as IdempotentRequests;
  return { requests, asked };
}

const config = { idempotency: {} } as AppConfig;

/** The Once a request to Projects.create gets: its key parameter's extractor, then the pipe. */
function onceFor(headers: Record<string, string>, pipe: IdempotencyPipe) {
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Projects, 'create') as Record<
    string,
    { factory?: (data: unknown, ctx: ExecutionContextHost) => unknown }
  >;
  const extract = Object.values(args).find((a) => a.factory)!.factory!;
  const sent: { status?: number; headers: Record<string, string> } = { headers: {} };
  const reply = {
    status: (s: number) => ((sent.status = s), reply),
    header: (k: string, v: string) => ((sent.headers[k] = v), reply),
  } as unknown as FastifyReply;
  const req = {
    headers,
    method: 'POST',
    url: '/v1/projects',
    body: { storeId: 's1' },
    routeOptions: { url: '/v1/projects' },
    isMultipart: () => false,
  } as unknown as FastifyRequest;
  const ctx = new ExecutionContextHost([req, reply], Projects, Projects.prototype.create);
  return { once: () => pipe.transform(extract(undefined, ctx) as never), sent };
}

describe('Idempotency-Key as a handler parameter', () => {
  it('runs the work of a request without a key as it is, never asking for a key', async () => {
    const { requests, asked } = requestsAnswering(() => {
      throw new Error('no key to claim');
    });
    const pipe = new IdempotencyPipe(requests, new IdempotentReplays(), config);
    const { once } = onceFor({}, pipe);
    expect(await once()(async () => 'made')).toBe('made');
    expect(asked).toEqual([]);
  });

  it("claims a key for the route's status and kind, and marks a replay", async () => {
    const { requests, asked } = requestsAnswering(() => ({
      statusCode: 202,
      body: { id: 'p0' },
      replayed: true,
    }));
    const pipe = new IdempotencyPipe(requests, new IdempotentReplays(), config);
    const { once, sent } = onceFor({ 'idempotency-key': 'k-1' }, pipe);
    expect(await once()(async () => ({ id: 'again' }))).toEqual({ id: 'p0' });
    expect(asked).toEqual([
      expect.objectContaining({
        route: 'POST /v1/projects',
        key: 'k-1',
        statusCode: 202,
        resource: 'project',
      }),
    ]);
    expect(sent).toEqual({ status: 202, headers: { 'Idempotent-Replayed': 'true' } });
  });

  it('refuses a malformed key before anything runs', () => {
    const { requests } = requestsAnswering(() => {
      throw new Error('no key to claim');
    });
    const pipe = new IdempotencyPipe(requests, new IdempotentReplays(), config);
    expect(() => onceFor({ 'idempotency-key': 'has spaces' }, pipe).once()).toThrow(
      InvalidInputError,
    );
  });

  it('refuses, when the class is defined, an Idempotent route that takes no key', () => {
    expect(() => {
      class Careless {
        @Post()
        @Idempotent('store')
        create(@Body() _b: unknown): string {
          return 'created again on every retry';
        }
      }
      return Careless;
    }).toThrow(/Careless.create is @Idempotent but takes no @IdempotencyKey/);
  });
});
