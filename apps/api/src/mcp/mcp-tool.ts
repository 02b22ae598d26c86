import type { Type } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '@app/domain';
import type { AccessNeed } from '../auth/decorators';
import type { CreatedKind } from '../http/idempotent-replays';
import { IDEMPOTENCY_KEY_FORMAT } from '../http/idempotency';

/**
 * One MCP tool: what an agent sees (name, description with its cost, typed input and output)
 * and what it calls (a use case of libs/domain, as the REST controller for the same action does).
 * Its schemas come from the REST route's own DTO classes (`body`, `output`; see dto-schema.ts),
 * and its body is validated by the same class-validator rules as on REST.
 */
export interface McpTool<I extends z.ZodRawShape = z.ZodRawShape, B = object, O = unknown> {
  name: string;
  title: string;
  /** what it does, what it costs and whether it pays a provider */
  description: string;
  /** the same scopes (partner keys) or users-only rule as the REST route for the same action */
  access: AccessNeed;
  /**
   * What it creates, if anything: the call carries an `idempotencyKey`, and a repeat with the
   * same key and arguments answers with that thing as it is now without creating again
   * (IdempotentRequests; the REST routes' replay views, IdempotentReplays).
   */
  creates: false | CreatedKind;
  /** it changes nothing */
  readOnly: boolean;
  /** the arguments the REST route takes in its path (ids) */
  input: I;
  /** the REST route's body or query DTO */
  body?: Type<B>;
  /** the REST route's answer DTO */
  output: Type<O>;
  run(by: Principal, args: z.infer<z.ZodObject<I>> & B): Promise<O>;
}

/** Keeps a tool's argument and answer types tied to its DTOs, then lists it with the others. */
export function defineTool<I extends z.ZodRawShape, B = object, O = unknown>(
  tool: McpTool<I, B, O>,
): McpTool {
  return tool as unknown as McpTool;
}

/** The key a creating tool call carries: the same format as REST's Idempotency-Key header. */
export const idempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_FORMAT, '1 to 255 visible ASCII characters')
  .describe(
    'any unique string (a UUID) for this creation: a call repeated with the same key and arguments within 24 h returns what the first call created, as it is now, and creates nothing new',
  );
