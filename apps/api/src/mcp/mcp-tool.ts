import { z } from 'zod';
import type { Principal } from '@app/domain';
import type { AccessNeed } from '../auth/decorators';
import type { CreatedKind } from '../http/idempotent-replays';

/**
 * One MCP tool: what an agent sees (name, description with its cost, typed input and output)
 * and what it calls (a use case of libs/domain, as the REST controller for the same action does).
 */
export interface McpTool<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
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
  input: I;
  output: O;
  run(by: Principal, args: z.infer<z.ZodObject<I>>): Promise<z.infer<z.ZodObject<O>>>;
}

/** Keeps a tool's input and output types tied to its schemas, then lists it with the others. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  tool: McpTool<I, O>,
): McpTool {
  return tool as unknown as McpTool;
}

/** The key a creating tool call carries: the same format as REST's Idempotency-Key header. */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1 to 255 visible ASCII characters')
  .describe(
    'any unique string (a UUID) for this creation: a call repeated with the same key and arguments within 24 h returns what the first call created, as it is now, and creates nothing new',
  );

/** Timestamps go out as ISO strings: the output schemas are JSON. */
export const iso = (d: Date | string): string => new Date(d).toISOString();
