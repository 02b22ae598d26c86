import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlockList, isIP } from 'node:net';
import { AppConfig, ForbiddenError, registry, UnauthorizedError } from '@app/domain';
import { BearerAuthenticator } from '../auth/bearer-authenticator';
import { Public } from '../auth/decorators';

/**
 * Prometheus metrics of this instance: served to admins (bearer token) or to a scraper on an
 * allowed network (METRICS_ALLOW_CIDRS, matched on the socket address, never on headers);
 * refused to everyone else. nginx does not route /metrics from the public side. An admin is
 * who the account is now (as on every route): a token issued before a logout, a block or a role
 * change counts as the account stands, not as the token says.
 */
@ApiTags('admin')
@ApiBearerAuth('bearer')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly allowed = new BlockList();

  constructor(
    config: AppConfig,
    private readonly bearer: BearerAuthenticator,
  ) {
    for (const cidr of config.http.metricsAllowCidrs) {
      const [net, bits] = cidr.split('/');
      this.allowed.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (admins, or the internal network)' })
  @ApiOkResponse({ description: 'text exposition format' })
  async metrics(
    @Req()
    req: {
      headers: Record<string, string | undefined>;
      socket?: { remoteAddress?: string };
      raw?: { socket?: { remoteAddress?: string } };
    },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const ip = req.raw?.socket?.remoteAddress ?? req.socket?.remoteAddress ?? '';
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (!(
      ip &&
      this.allowed.check(ip.replace(/^::ffff:/, ''), ip.startsWith('::ffff:') ? 'ipv4' : family)
    )) {
      const auth = req.headers.authorization;
      if (!auth?.startsWith('Bearer '))
        throw new UnauthorizedError('metrics are for admins or the internal network');
      const caller = await this.bearer.principal(req);
      if (caller.kind !== 'user' || caller.role !== 'admin')
        throw new ForbiddenError('metrics are for admins');
    }
    reply.header('Content-Type', registry.contentType);
    return registry.metrics();
  }
}
