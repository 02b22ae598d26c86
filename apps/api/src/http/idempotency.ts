import { createHash } from 'node:crypto';
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  RequestMethod,
  UseInterceptors,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, Observable, of, switchMap, throwError } from 'rxjs';
import {
  BusyError,
  IdempotencyRepository,
  InvalidInputError,
  Principal,
  UnprocessableError,
} from '@app/domain';
import { ErrorBodyDto } from './error-body.dto';
import { firstFile } from './multipart-file';

const KEY = /^[\x21-\x7e]{1,255}$/;
/** most creating requests end within a second or two; a retry sooner only finds them running */
const IN_PROGRESS_RETRY_AFTER_SEC = 2;

/**
 * `Idempotency-Key` on a POST that creates something: the same key with the same body (and
 * path) within 24 hours gets the first response again, status and body, without doing it
 * again; with another body, 422; while the first is still running, 409. Keys are per caller
 * (user or partner), stored in the database, so a retry may land on any instance. A request
 * that failed leaves no record: it can be retried with the same key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  constructor(private readonly keys: IdempotencyRepository) {}

  private settle(write: Promise<void>, what: string): Promise<void> {
    return write.catch((err: Error) =>
      this.logger.warn(`Idempotency-Key record not ${what}: ${err.message}`),
    );
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest & { user?: Principal }>();
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!KEY.test(key))
      throw new InvalidInputError('Idempotency-Key must be 1 to 255 visible ASCII characters');
    const caller = req.user
      ? req.user.kind === 'user'
        ? `user:${req.user.userId}`
        : `partner:${req.user.partnerId}`
      : 'anonymous';
    const route = `${req.method} ${req.routeOptions?.url ?? ''}`;
    const id = sha256(`${caller}\n${route}\n${key}`);
    // a multipart upload is fingerprinted by its file (read once, handed on to the handler)
    const fingerprint = async () => {
      const file = req.isMultipart() ? await firstFile(req) : undefined;
      const body = file
        ? { field: file.fieldname, sha256: sha256(file.bytes) }
        : (req.body ?? null);
      return sha256(JSON.stringify({ url: req.url, body }));
    };
    const reply = http.getResponse<FastifyReply>();
    const status: number =
      Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ??
      (req.method === RequestMethod[RequestMethod.POST] ? 201 : 200);
    return from(fingerprint().then((requestHash) => this.keys.claim(id, requestHash))).pipe(
      switchMap((claim) => {
        if (claim.kind === 'mismatch')
          return throwError(
            () =>
              new UnprocessableError(
                'this Idempotency-Key was used with a different request; use a new key for a new request',
              ),
          );
        if (claim.kind === 'in_progress')
          return throwError(
            () =>
              new BusyError(
                'a request with this Idempotency-Key is still in progress; retry when it has finished',
                IN_PROGRESS_RETRY_AFTER_SEC,
              ),
          );
        if (claim.kind === 'replay') {
          reply.status(claim.statusCode).header('Idempotent-Replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          // failed: nothing to replay, the key is free again, and the original error goes out
          catchError((err) =>
            from(this.settle(this.keys.release(id), 'released')).pipe(
              switchMap(() => throwError(() => err)),
            ),
          ),
          // succeeded: failing to record the answer must not turn the success into an error
          switchMap((body) =>
            from(this.settle(this.keys.complete(id, status, body), 'completed')).pipe(
              switchMap(() => of(body)),
            ),
          ),
        );
      }),
    );
  }
}

/** Marks a creating POST as taking an Idempotency-Key, and documents it. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (a UUID). Retrying with the same key and body within 24 h returns the first response (with `Idempotent-Replayed: true`) instead of creating again.',
    }),
    ApiConflictResponse({
      type: ErrorBodyDto,
      description: 'a request with this Idempotency-Key is still in progress',
    }),
    ApiUnprocessableEntityResponse({
      type: ErrorBodyDto,
      description: 'this Idempotency-Key was used with a different request',
    }),
  );
}

function sha256(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}
