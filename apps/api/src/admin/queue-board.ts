import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessClaims, AppConfig, Principal, StepQueues } from '@app/domain';
import { BearerAuthenticator } from '../auth/bearer-authenticator';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'castad_board';

/**
 * Bull Board over the registered step queues (StepQueues: the same queues the scheduler fills),
 * at stage 3 (Bull dispatch) and for admins only. A
 * browser opens /admin/queues?access_token=<admin JWT> once; the token then travels in an
 * HttpOnly cookie scoped to the board (its pages load assets and call its API by URL).
 * API clients may send the usual Bearer header instead.
 */
export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
  const config = app.get(AppConfig);
  if (config.pipeline.driver !== 'bull') return;
  const bearer = app.get(BearerAuthenticator);
  // Redis being away is the health check's business; the board just shows nothing meanwhile
  // (Bull queues ignore their connection errors unless told otherwise); Nest closes the queues
  const board = new BoardAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: app
      .get(StepQueues)
      .all()
      .map(({ queue }) => new BullAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'CastAD queues' } },
  });

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const query = req.query as Record<string, string | undefined>;
      const fromQuery = query.access_token;
      const header = req.headers.authorization?.startsWith('Bearer ')
        ? req.headers.authorization.slice(7)
        : undefined;
      const token = fromQuery ?? header ?? parseCookie(req.headers.cookie ?? '')[COOKIE];
      const denied = (code: number, message: string) =>
        reply
          .code(code)
          .header('content-type', 'application/json')
          .send({ statusCode: code, error: code === 401 ? 'Unauthorized' : 'Forbidden', message });
      if (!token)
        return denied(
          401,
          'the queue board needs an admin access token: open /admin/queues?access_token=<token>',
        );
      // the same check as every API route: signature, expiry, and the user's current status and role
      const asBearer = { headers: { authorization: `Bearer ${token}` } };
      let user: Principal;
      try {
        user = await bearer.principal(asBearer);
      } catch (err) {
        return denied(401, (err as Error).message);
      }
      if (user.kind !== 'user' || user.role !== 'admin')
        return denied(403, 'the queue board is for admins');
      if (fromQuery) {
        // keep the token out of the address bar, history and logs from here on
        const maxAge = Math.max(
          1,
          ((bearer.claims(asBearer) as AccessClaims).exp ?? 0) - Math.floor(Date.now() / 1000),
        );
        reply.header(
          'set-cookie',
          serializeCookie(COOKIE, token, {
            httpOnly: true,
            sameSite: 'strict',
            path: QUEUE_BOARD_PATH,
            maxAge,
            secure: config.publicBaseUrl.startsWith('https:'),
          }),
        );
        return reply.redirect(QUEUE_BOARD_PATH, 302);
      }
    });
    await scope.register(board.registerPlugin() as never, { prefix: QUEUE_BOARD_PATH });
  });
}
