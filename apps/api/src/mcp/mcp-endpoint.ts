import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { IdempotentRequests, InvalidInputError, Principal } from '@app/domain';
import { AccessGuard } from '../auth/access.guard';
import { z } from 'zod';
import { errorBody } from '../http/http-error.filter';
import { CreatedKind, IdempotentReplays } from '../http/idempotent-replays';
import { requestValidation } from '../http/request-validation';
import { ChoiceTools } from './choice.tools';
import { shapeOf } from './dto-schema';
import { idempotencyKey, McpTool } from './mcp-tool';
import { ProjectTools } from './project.tools';
import { StoreTools } from './store.tools';
import { VideoTools } from './video.tools';
import { ResultsTools } from './results.tools';

/**
 * The MCP server behind `/mcp` (streamable HTTP, stateless: one server and transport per
 * request, JSON answers, no session). The caller was authenticated by the global guard; each
 * tool call is held to the tool's scopes by the same rule as REST (AccessGuard.assertAllowed),
 * and a creating tool runs once per idempotency key (IdempotentRequests).
 */
/** A tool with its schemas, made once from its DTOs. */
interface Listed {
  tool: McpTool;
  input: z.ZodRawShape;
  /** the arguments that are the body DTO's (validated by its class-validator rules) */
  bodyKeys: string[];
  output: z.ZodRawShape;
}

@Injectable()
export class McpEndpoint {
  private readonly logger = new Logger('Mcp');
  private readonly validation = requestValidation();
  readonly tools: McpTool[];
  private readonly listed: Listed[];

  constructor(
    private readonly access: AccessGuard,
    private readonly idempotency: IdempotentRequests,
    private readonly replays: IdempotentReplays,
    stores: StoreTools,
    projects: ProjectTools,
    choices: ChoiceTools,
    videos: VideoTools,
    results: ResultsTools,
  ) {
    this.tools = [
      ...stores.list(),
      ...projects.list(),
      ...choices.list(),
      ...videos.list(),
      ...results.list(),
    ];
    this.listed = this.tools.map((tool) => {
      const body = tool.body ? shapeOf(tool.body) : {};
      const input = { ...tool.input, ...body, ...(tool.creates ? { idempotencyKey } : {}) };
      return { tool, input, bodyKeys: Object.keys(body), output: shapeOf(tool.output) };
    });
  }

  /**
   * Refuses (403, before anything runs) a request calling a tool the caller may not use: the
   * same answer a REST route gives a key without its scope. Unknown tools are left to the SDK.
   */
  assertCallsAllowed(by: Principal, body: unknown): void {
    // one message per HTTP request: the rate limit counts requests, and a batch of 100 tool
    // calls would pass as one (MCP 2025-06-18 dropped batching)
    if (Array.isArray(body))
      throw new InvalidInputError(
        'send one JSON-RPC message per request: batches are not accepted here',
      );
    const m = body as { method?: unknown; params?: { name?: unknown } } | null;
    if (m?.method !== 'tools/call') return;
    const tool = this.tools.find((t) => t.name === m.params?.name);
    if (tool) this.access.assertAllowed(by, tool.access);
  }

  async handle(by: Principal, req: IncomingMessage, res: ServerResponse, body: unknown) {
    const server = this.serverFor(by);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      const closed = (err: Error) => this.logger.warn(`closing an MCP exchange: ${err.message}`);
      transport.close().catch(closed);
      server.close().catch(closed);
    });
    // answers are always JSON here (enableJsonResponse): a client that did not list both
    // types is not refused with the transport's own 406
    req.headers.accept = 'application/json, text/event-stream';
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (err) {
      // the reply was handed to the transport: the error filter can no longer answer
      const answer = errorBody(err, this.logger);
      if (!res.headersSent)
        res.writeHead(answer.statusCode, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    }
  }

  private serverFor(by: Principal): McpServer {
    const server = new McpServer({ name: 'castad', version: '1.0.0' });
    for (const listed of this.listed) {
      const { tool } = listed;
      server.registerTool(
        tool.name,
        {
          title: tool.title,
          description: tool.description,
          inputSchema: listed.input,
          outputSchema: listed.output,
          annotations: {
            readOnlyHint: tool.readOnly,
            destructiveHint: false,
            idempotentHint: tool.readOnly || Boolean(tool.creates),
            openWorldHint: !tool.readOnly,
          },
        },
        (args: Record<string, unknown>) => this.call(by, listed, args),
      );
    }
    return server;
  }

  /** A creating tool runs once per key and arguments; a repeat shows what it made, as it is now. */
  private async once(
    by: Principal,
    tool: McpTool,
    kind: CreatedKind,
    key: string,
    input: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const answer = await this.idempotency.run(
      {
        by,
        route: `MCP ${tool.name}`,
        key,
        requestHash: createHash('sha256').update(JSON.stringify(input)).digest('hex'),
        statusCode: 200,
        resource: kind,
      },
      async () => (await tool.run(by, input)) as Record<string, unknown>,
      async (made) => (await this.replays.rebuild(by, made)) as Record<string, unknown>,
    );
    return answer.body;
  }

  /** The arguments with the body DTO's part validated as REST validates that body (400s alike). */
  private async validated(
    { tool, bodyKeys }: Listed,
    args: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (!tool.body) return args;
    const body = Object.fromEntries(Object.entries(args).filter(([k]) => bodyKeys.includes(k)));
    const dto: object = await this.validation.transform(body, {
      type: 'body',
      metatype: tool.body,
    });
    return { ...args, ...dto };
  }

  private async call(
    by: Principal,
    listed: Listed,
    args: Record<string, unknown>,
  ): Promise<CallToolResult> {
    const { tool } = listed;
    try {
      this.access.assertAllowed(by, tool.access);
      const { idempotencyKey: key, ...input } = await this.validated(listed, args);
      const answer = tool.creates
        ? await this.once(by, tool, tool.creates, String(key), input)
        : await tool.run(by, input);
      // as it goes over the wire (a replay's view carries Dates; the output schemas say strings)
      const result = JSON.parse(JSON.stringify(answer)) as Record<string, unknown>;
      return {
        structuredContent: result,
        content: [{ type: 'text', text: JSON.stringify(result) }],
      };
    } catch (err) {
      // the same status and message a REST route gives for the same failure
      const body = errorBody(err, this.logger);
      return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
    }
  }
}
