import { createServer, Server } from 'node:http';
import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { AppConfig, DatabaseHealth, queueDepth, registry } from '@app/domain';
import { WorkDispatcher } from './work/work-dispatcher';
import { LeadershipService } from './leadership.service';

/**
 * The scheduler has no public HTTP. When SCHEDULER_HEALTH_PORT is set it answers
 * /health/live and /health/ready on that port for the orchestrator (Docker HEALTHCHECK). A
 * worker answers the same (never the leader; its /metrics without queue depths, which the
 * scheduler reports for the whole deployment).
 */
@Injectable()
export class SchedulerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerHealthServer.name);
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealth,
    @Optional() private readonly leadership?: LeadershipService,
    @Optional() private readonly dispatcher?: WorkDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.scheduler.healthPort;
    if (port === undefined) return;
    this.server = createServer((req, res) => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/health/live') return reply(200, { status: 'ok' });
      if (req.url === '/health/ready') {
        void this.database.check().then((nodes) => {
          const primaryUp = nodes.find((n) => n.node === 'primary')?.up ?? false;
          reply(primaryUp ? 200 : 503, {
            status: primaryUp ? 'ok' : 'error',
            role: this.config.role,
            leader: this.leadership?.isLeader ?? false,
            nodes,
          });
        });
        return;
      }
      if (req.url === '/metrics') {
        // this port is internal (never published): the scheduler's steps, queues and pools
        const noDepth: Awaited<ReturnType<WorkDispatcher['depth']>> = {};
        void (this.dispatcher?.depth() ?? Promise.resolve(noDepth))
          .then(async (depth) => {
            queueDepth.reset();
            for (const [queue, d] of Object.entries(depth)) {
              queueDepth.set({ queue, state: 'waiting' }, d.waiting);
              queueDepth.set({ queue, state: 'active' }, d.active);
            }
            res.writeHead(200, { 'content-type': registry.contentType });
            res.end(await registry.metrics());
          })
          .catch((err: Error) =>
            reply(500, { statusCode: 500, error: 'Internal Server Error', message: err.message }),
          );
        return;
      }
      reply(404, { statusCode: 404, error: 'Not Found', message: `no route ${req.url}` });
    });
    await new Promise<void>((ok) => this.server!.listen(port, this.config.http.host, ok));
    this.logger.log(`health on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}
