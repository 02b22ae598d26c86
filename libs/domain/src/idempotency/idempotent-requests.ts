import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Principal } from '../accounts/principal';
import { AppConfig } from '../config/app-config';
import {
  BusyError,
  GoneError,
  NotFoundError,
  QuotaExceededError,
  UnprocessableError,
} from '../errors/domain-errors';
import { IDEMPOTENCY_LEASE_MS, IdempotencyRepository } from './idempotency.repository';
import { IdempotencyScope } from './idempotency-scope';
import { holdLease } from '../leases/lease-heartbeat';

/** most creating requests end within a second or two; a retry sooner only finds them running */
const IN_PROGRESS_RETRY_AFTER_SEC = 2;

/** What a request made with an Idempotency-Key is, and what it makes. */
export interface IdempotentRequest {
  by: Principal | undefined;
  /** the route (`POST /v1/stores`) or tool (`MCP create_store`): keys are per caller and route */
  route: string;
  key: string;
  /** the request's fingerprint: the same key with another request is refused */
  requestHash: string;
  /** the status a success (and its replay) answers with */
  statusCode: number;
  /** the kind of thing it creates or answers with ('store', 'photo', 'project', 'publication') */
  resource: string;
}

/** How the thing a key's first request made is shown again: a NotFoundError when it is gone. */
export type Replay<T> = (resource: { kind: string; ids: string[] }) => Promise<T>;

export interface IdempotentAnswer<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

/**
 * The rule of `Idempotency-Key`, the one gate for REST routes and MCP tools: the same key with
 * the same request (per caller and route) within 24 hours creates once; a repeat gets the thing
 * the first made, rebuilt as it is now (fresh signed links; 410 when it is gone). The same key
 * with another request is refused (422); while the first still runs, busy (409, Retry-After).
 * A request that failed leaves no record; one that died before its commit lets its hold on the
 * key lapse (IDEMPOTENCY_LEASE_MS), and a retry takes the key over. One caller holds a bounded number of live keys (429).
 */
@Injectable()
export class IdempotentRequests {
  private readonly logger = new Logger(IdempotentRequests.name);
  private readonly keysPerCaller: number;

  constructor(
    private readonly keys: IdempotencyRepository,
    config: AppConfig,
  ) {
    this.keysPerCaller = config.idempotency.keysPerCaller;
  }

  /**
   * Runs `work` once per key and request. The thing it creates is recorded with the key by
   * the repository that creates it, in the same transaction; an action that creates no row of
   * its own is recorded once `work` has answered (`idsOf` its answer).
   */
  async run<T>(
    req: IdempotentRequest,
    work: () => Promise<T>,
    replay: Replay<T>,
  ): Promise<IdempotentAnswer<T>> {
    const id = sha256(`${callerOf(req.by)}\n${req.route}\n${req.key}`);
    const holder = randomUUID();
    const claim = await this.keys.claim({
      id,
      caller: callerOf(req.by),
      requestHash: req.requestHash,
      limit: this.keysPerCaller,
      holder,
    });
    if (claim.kind === 'replay') {
      const body = await replay(claim.resource).catch((err) => {
        throw err instanceof NotFoundError ? gone(claim.resource.kind) : err;
      });
      return { statusCode: claim.statusCode, body, replayed: true };
    }
    if (claim.kind !== 'first') throw refusal(claim, this.keysPerCaller);
    // the hold on the key, renewed while the work runs: a request that died lets it lapse
    const hold = holdLease(
      `Idempotency-Key ${id.slice(0, 12)}`,
      IDEMPOTENCY_LEASE_MS,
      () => this.keys.renew(id, holder),
      this.logger,
    );
    let body: T;
    try {
      body = await IdempotencyScope.run({ id, holder, statusCode: req.statusCode }, work);
    } catch (err) {
      await this.keys.release(id, holder).catch((e: Error) => this.unrecorded(e, 'released'));
      throw err;
    } finally {
      hold.stop();
    }
    const resource = { kind: req.resource, ids: idsOf(body) };
    await this.keys
      .complete(id, holder, { statusCode: req.statusCode, resource })
      .catch((e: Error) => this.unrecorded(e, 'completed'));
    return { statusCode: req.statusCode, body, replayed: false };
  }

  private unrecorded(err: Error, what: string): void {
    this.logger.warn(`idempotency key record not ${what}: ${err.message}`);
  }
}

function refusal(
  claim: { kind: 'mismatch' } | { kind: 'in_progress' } | { kind: 'too_many'; freesAt: Date },
  limit: number,
): Error {
  if (claim.kind === 'mismatch')
    return new UnprocessableError(
      'this Idempotency-Key was used with a different request; use a new key for a new request',
    );
  if (claim.kind === 'in_progress')
    return new BusyError(
      'a request with this Idempotency-Key is still in progress; retry when it has finished',
      IN_PROGRESS_RETRY_AFTER_SEC,
    );
  return new QuotaExceededError(
    `you hold ${limit} Idempotency-Keys from the last 24 hours, the most allowed: send a new key only for a new thing to create (reuse a key only to retry the same request), or send this request without one; a key frees 24 hours after its first use (Retry-After)`,
    claim.freesAt,
  );
}

function gone(kind: string): GoneError {
  return new GoneError(
    `the ${kind} this Idempotency-Key created no longer exists; use a new key to create it again`,
  );
}

/** The ids in an answer: its own `id`, or its items' (a list of publications). */
export function idsOf(body: unknown): string[] {
  const b = body as { id?: unknown; items?: { id?: unknown }[] } | null;
  if (typeof b?.id === 'string') return [b.id];
  if (Array.isArray(b?.items)) return b.items.map((i) => String(i.id));
  return [];
}

function callerOf(by: Principal | undefined): string {
  if (!by) return 'anonymous';
  return by.kind === 'user' ? `user:${by.userId}` : `partner:${by.partnerId}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
