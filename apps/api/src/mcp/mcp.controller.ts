import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal } from '@app/domain';
import { CurrentPrincipal, ScopesPerCall } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { McpEndpoint } from './mcp-endpoint';

/**
 * MCP for agents, beside REST: streamable HTTP at /mcp, with the same credentials (partner API
 * key or bearer token), scopes and rate limits.
 */
@ApiTags('mcp')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@ScopesPerCall()
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpEndpoint) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Model Context Protocol (streamable HTTP, stateless, JSON answers): tools to search and create stores, add photos by URL, create projects with their options, follow progress, choose lyrics and a clip, list videos with signed links, publish and follow publications, read a video’s results',
    description: [
      'JSON-RPC 2.0 messages as the MCP specification defines them (initialize, tools/list, tools/call). Send `Accept: application/json, text/event-stream`.',
      'Connect an agent with any MCP client that speaks streamable HTTP, with the URL of this endpoint and the same credentials as REST, e.g. (Claude Desktop / Cursor `mcp.json`):',
      '`{"mcpServers": {"castad": {"type": "http", "url": "https://api.castad.kr/mcp", "headers": {"X-API-Key": "cak_…"}}}}`.',
      'Each tool needs the scope of the matching REST route (publish: `publish`, to accounts whose owner let the partner publish there); a tools/call outside the key’s scopes is refused with 403 and the usual error body. Tools take and answer the REST routes’ DTOs (their schemas here), and say in their description what they cost and whether they pay a provider. Creating tools take an `idempotencyKey` argument. Rate-limited with REST. See the README, "MCP for agents".',
    ].join(' '),
  })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'one JSON-RPC 2.0 request or notification (a batch is refused with 400)',
      example: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
    },
  })
  @ApiOkResponse({
    description: 'the JSON-RPC response',
    schema: { type: 'object', example: { jsonrpc: '2.0', id: 1, result: { tools: [] } } },
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'a JSON-RPC batch (one message per request)',
  })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: 'a tools/call for a tool outside the API key’s scopes',
  })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'over the rate limit' })
  async call(
    @CurrentPrincipal() by: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.mcp.assertCallsAllowed(by, req.body);
    // the SDK's transport writes the answer itself, on the raw response: the headers set so
    // far (the rate limit's, the request id) go with it
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    await this.mcp.handle(by, req.raw, reply.raw, req.body);
  }

  @Get()
  @ApiOperation({
    summary: '405: this endpoint is stateless, it opens no server-to-client stream (POST only)',
  })
  @ApiResponse({ status: 405, type: ErrorBodyDto })
  openStream(@Res() reply: FastifyReply): void {
    postOnly(reply);
  }

  @Delete()
  @ApiOperation({ summary: '405: this endpoint is stateless, it has no session to end' })
  @ApiResponse({ status: 405, type: ErrorBodyDto })
  endSession(@Res() reply: FastifyReply): void {
    postOnly(reply);
  }
}

function postOnly(reply: FastifyReply): void {
  void reply
    .status(405)
    .header('Allow', 'POST')
    .send({ statusCode: 405, error: 'Method Not Allowed', message: 'POST MCP messages to /mcp' });
}
