import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DatabaseContext } from '@app/domain';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route is a view that tolerates replica lag (see LagTolerant) */
    castadLagTolerant?: boolean;
  }
}

/**
 * Marks a view whose reads may come from a replica a moment behind the primary (lists, a
 * project's page). Everything else (actions, views that must show what was just done, like
 * connected accounts) reads the primary. A replica that finds nothing still asks the primary.
 * Carried in the Fastify route's config, so the request's database scope is opened with it
 * (see `openDatabaseScopes`) rather than by an interceptor on every request.
 */
export const LagTolerant = () => RouteConfig({ castadLagTolerant: true });

/**
 * Gives every request its own database scope (read-your-writes, and the view opt-in above; see
 * DatabaseContext), from a Fastify request hook: the rest of the request runs inside it. A hook
 * rather than a Nest middleware plus a global interceptor, which cost a read a tenth of its CPU
 * (middie's dispatch, and an rxjs chain on every route).
 */
export function openDatabaseScopes(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, _reply, done) =>
    DatabaseContext.run(() => {
      if (req.routeOptions.config?.castadLagTolerant === true) DatabaseContext.allowLag();
      done();
    }),
  );
}
