import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Principal } from '../accounts/principal';
import { BusyError, UnprocessableError } from '../errors/domain-errors';
import { IdempotencyRepository } from './idempotency.repository';

/** most creating requests end within a second or two; a retry sooner only finds them running */
const IN_PROGRESS_RETRY_AFTER_SEC = 2;

export type IdempotentStart =
  { kind: 'first'; id: string } | { kind: 'replay'; statusCode: number; body: unknown };

/**
 * The rule of `Idempotency-Key`: the same key with the same request (per caller and route)
 * within 24 hours gets the first response again; with another request it is refused (422);
 * while the first still runs, busy (409). A request that failed leaves no record.
 */
@Injectable()
export class IdempotentRequests {
  private readonly logger = new Logger(IdempotentRequests.name);

  constructor(private readonly keys: IdempotencyRepository) {}

  /**
   * Runs `work` once per key and request (the rule of `begin`), for callers that are not a
   * REST route (MCP tool calls): the first answer is recorded and handed back to a repeat;
   * when `work` fails, the key is free again and the error goes on. Failing to record an
   * answer does not turn the work's success into an error (it is logged).
   */
  async once<T>(
    input: { by: Principal | undefined; route: string; key: string; request: unknown },
    work: () => Promise<T>,
  ): Promise<T> {
    const claim = await this.begin({
      ...input,
      requestHash: sha256(JSON.stringify(input.request)),
    });
    if (claim.kind === 'replay') return claim.body as T;
    let answer: T;
    try {
      answer = await work();
    } catch (err) {
      await this.release(claim.id).catch((e: Error) => this.unrecorded(e, 'released'));
      throw err;
    }
    await this.complete(claim.id, 200, answer).catch((e: Error) => this.unrecorded(e, 'completed'));
    return answer;
  }

  private unrecorded(err: Error, what: string): void {
    this.logger.warn(`idempotency key record not ${what}: ${err.message}`);
  }

  /** Claims the key for this request, or hands back the first response to replay. */
  async begin(input: {
    by: Principal | undefined;
    route: string;
    key: string;
    requestHash: string;
  }): Promise<IdempotentStart> {
    const id = sha256(`${callerOf(input.by)}\n${input.route}\n${input.key}`);
    const claim = await this.keys.claim(id, input.requestHash);
    if (claim.kind === 'mismatch')
      throw new UnprocessableError(
        'this Idempotency-Key was used with a different request; use a new key for a new request',
      );
    if (claim.kind === 'in_progress')
      throw new BusyError(
        'a request with this Idempotency-Key is still in progress; retry when it has finished',
        IN_PROGRESS_RETRY_AFTER_SEC,
      );
    if (claim.kind === 'replay') return claim;
    return { kind: 'first', id };
  }

  /** The request succeeded: its response is what the key replays. */
  complete(id: string, statusCode: number, body: unknown): Promise<void> {
    return this.keys.complete(id, statusCode, body);
  }

  /** The request failed: nothing to replay, the key is free again. */
  release(id: string): Promise<void> {
    return this.keys.release(id);
  }
}

function callerOf(by: Principal | undefined): string {
  if (!by) return 'anonymous';
  return by.kind === 'user' ? `user:${by.userId}` : `partner:${by.partnerId}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
