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
import { IdempotentRequests, InvalidInputError, Principal } from '@app/domain';
import { ErrorBodyDto } from './error-body.dto';
import { firstFile } from './multipart-file';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on a POST that creates something (the rule: IdempotentRequests): the same
 * key with the same body (and path) gets the first response again, status and body, without
 * doing it again. Keys are per caller, stored in the database, so a retry may land on any
 * instance.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  constructor(private readonly requests: IdempotentRequests) {}

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
    const route = `${req.method} ${req.routeOptions?.url ?? ''}`;
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
    const begun = fingerprint().then((requestHash) =>
      this.requests.begin({ by: req.user, route, key, requestHash }),
    );
    return from(begun).pipe(
      switchMap((claim) => {
        if (claim.kind === 'replay') {
          reply.status(claim.statusCode).header('Idempotent-Replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          // failed: nothing to replay, the key is free again, and the original error goes out
          catchError((err) =>
            from(this.settle(this.requests.release(claim.id), 'released')).pipe(
              switchMap(() => throwError(() => err)),
            ),
          ),
          // succeeded: failing to record the answer must not turn the success into an error
          switchMap((body) =>
            from(this.settle(this.requests.complete(claim.id, status, body), 'completed')).pipe(
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
