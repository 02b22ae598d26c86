import { createHash } from 'node:crypto';
import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  Logger,
  PipeTransform,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import {
  ApiConflictResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, IdempotentRequests, InvalidInputError, Principal } from '@app/domain';
import { ErrorBodyDto } from './error-body.dto';
import { CreatedKind, IdempotentReplays } from './idempotent-replays';
import { firstFile } from './multipart-file';

/** An Idempotency-Key: 1 to 255 visible ASCII characters (the header, and MCP's idempotencyKey). */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const RESOURCE = 'idempotency:resource';

/**
 * Runs a creating route's work once per `Idempotency-Key` (see `Idempotent`); without a key, it
 * just runs it.
 */
export type Once = <T>(work: () => Promise<T>) => Promise<T>;

const withoutKey: Once = (work) => work();

/** A request with an Idempotency-Key, and what its route answers with. */
interface KeyedRequest {
  req: FastifyRequest & { user?: Principal };
  reply: FastifyReply;
  key: string;
  statusCode: number;
  resource: string;
}

/**
 * The route's `Once`, a parameter of the handler, which wraps its work in it. Not a Nest
 * interceptor: an interceptor puts every request of its route through an rxjs chain (~3.5% of a
 * creating POST's CPU in bench:api), and most requests carry no key. A malformed key is refused
 * here, before the body's validation (an extractor's error comes first); the key is claimed when
 * the work is handed to `Once`, after it.
 */
export const IdempotencyKey = (): ParameterDecorator =>
  createParamDecorator(keyedRequestOf)(IdempotencyPipe);

function keyedRequestOf(_: unknown, ctx: ExecutionContext): KeyedRequest | undefined {
  const http = ctx.switchToHttp();
  const req = http.getRequest<KeyedRequest['req']>();
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!IDEMPOTENCY_KEY_FORMAT.test(key))
    throw new InvalidInputError('Idempotency-Key must be 1 to 255 visible ASCII characters');
  const statusCode: number =
    Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ??
    (req.method === RequestMethod[RequestMethod.POST] ? 201 : 200);
  const resource = Reflect.getMetadata(RESOURCE, ctx.getHandler()) as string;
  return { req, reply: http.getResponse<FastifyReply>(), key, statusCode, resource };
}

/**
 * `Idempotency-Key` on a POST that creates something (the rule: IdempotentRequests): the same
 * key with the same body (and path) answers with what the first request made, as it is now,
 * without doing it again. Keys are per caller, stored in the database, so a retry may land on
 * any instance.
 */
@Injectable()
export class IdempotencyPipe implements PipeTransform<KeyedRequest | undefined, Once> {
  private readonly logger = new Logger(IdempotencyPipe.name);

  constructor(
    private readonly requests: IdempotentRequests,
    private readonly replays: IdempotentReplays,
    private readonly config: AppConfig,
  ) {}

  transform(keyed: KeyedRequest | undefined): Once {
    if (!keyed) return withoutKey;
    return (work) => this.once(keyed, work);
  }

  private async once<T>(keyed: KeyedRequest, work: () => Promise<T>): Promise<T> {
    const { req, reply } = keyed;
    const answer = await this.requests.run(
      {
        by: req.user,
        route: `${req.method} ${req.routeOptions?.url ?? ''}`,
        key: keyed.key,
        requestHash: await fingerprint(req),
        statusCode: keyed.statusCode,
        resource: keyed.resource,
      },
      async () => {
        if (this.config.idempotency.stallBeforeWork)
          await this.stall('after its key, before its work');
        const body = await work();
        if (this.config.idempotency.stallBeforeAnswer)
          await this.stall('after the commit, before the answer');
        return body;
      },
      (resource) => this.replays.rebuild(req.user, resource) as Promise<T>,
    );
    if (answer.replayed) reply.status(answer.statusCode).header('Idempotent-Replayed', 'true');
    return answer.body;
  }

  /**
   * TEST_FAULT=stall_before_answer: the work committed; neither the key's completion after it
   * nor the answer ever comes. stall_before_work: the key is claimed, nothing else happens. A
   * test kills the instance here.
   */
  private stall(where: string): Promise<never> {
    this.logger.warn(`TEST_FAULT: stalled ${where}`);
    return new Promise<never>(() => undefined);
  }
}

/** The request's fingerprint: path and body; a multipart upload by its file (read once, handed on). */
async function fingerprint(req: FastifyRequest): Promise<string> {
  const file = req.isMultipart() ? await firstFile(req) : undefined;
  const body = file ? { field: file.fieldname, sha256: sha256(file.bytes) } : (req.body ?? null);
  return sha256(JSON.stringify({ url: req.url, body }));
}

/**
 * Marks a creating POST as taking an Idempotency-Key, and documents it. `resource`: the kind of
 * thing it answers with (a replay shows it again from its id; see IdempotentReplays). The handler
 * takes `@IdempotencyKey() once: Once` and runs its work in `once`.
 */
export function Idempotent(resource: CreatedKind): MethodDecorator {
  return applyDecorators(
    takesItsKey,
    SetMetadata(RESOURCE, resource),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (a UUID). Retrying with the same key and body within 24 h answers with what the first request made, as it is now (with `Idempotent-Replayed: true`; fresh links), instead of creating again; 410 when that thing has since been deleted. One caller holds at most IDEMPOTENCY_KEYS_PER_CALLER live keys (default 1000).',
    }),
    ApiConflictResponse({
      type: ErrorBodyDto,
      description:
        'a request with this Idempotency-Key is still in progress (Retry-After says when to try again)',
    }),
    ApiGoneResponse({
      type: ErrorBodyDto,
      description: 'replayed Idempotency-Key: what the first request created has been deleted',
    }),
    ApiUnprocessableEntityResponse({
      type: ErrorBodyDto,
      description: 'this Idempotency-Key was used with a different request',
    }),
    ApiTooManyRequestsResponse({
      type: ErrorBodyDto,
      description:
        'rate limited (see Retry-After and the RateLimit-* headers), or too many live Idempotency-Keys for this caller (Retry-After: when the oldest frees)',
    }),
  );
}

/**
 * A route marked Idempotent whose handler does not take `@IdempotencyKey()` would ignore every key
 * (creating again on a retry): refused when the class is defined. Parameter decorators are
 * applied before method decorators, so the handler's are all there.
 */
const takesItsKey: MethodDecorator = (target, method) => {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, method) ??
    {}) as Record<string, { factory?: unknown }>;
  if (!Object.values(args).some((arg) => arg.factory === keyedRequestOf))
    throw new Error(
      `${target.constructor.name}.${String(method)} is @Idempotent but takes no @IdempotencyKey() to run its work in`,
    );
};

function sha256(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}
