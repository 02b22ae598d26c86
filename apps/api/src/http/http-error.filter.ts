import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  BusyError,
  DomainError,
  DomainErrorKind,
  isDatabaseUnavailable,
  QuotaExceededError,
} from '@app/domain';
import { ProviderError, ProviderFailure, ProviderUnavailableError } from '@app/integrations';

const PROVIDER_STATUS: Record<ProviderFailure, number> = {
  unavailable: 503,
  rejected: 502,
  credential_refused: 401,
  not_found: 404,
};

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  quota_exceeded: 429,
  limit_reached: 429,
};

/** seconds a client waits before trying again while the database is away (a node restore or failover) */
const DB_RETRY_AFTER_SEC = 2;

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/**
 * The one place errors become HTTP: domain errors by kind, Nest and Fastify errors by their
 * status, everything else a 500 whose cause is logged, never sent.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // a report with its own shape (terminus's readiness details) goes out as it is
    if (exception instanceof HttpException && isReport(exception.getResponse())) {
      reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const body = errorBody(exception, this.logger);
    if (exception instanceof QuotaExceededError) {
      reply.header(
        'Retry-After',
        String(Math.max(1, Math.ceil((exception.resetsAt.getTime() - Date.now()) / 1000))),
      );
    }
    if (exception instanceof BusyError)
      reply.header('Retry-After', String(exception.retryAfterSec));
    if (exception instanceof ProviderUnavailableError && exception.retryAfterSec)
      reply.header('Retry-After', String(exception.retryAfterSec));
    if (isDatabaseUnavailable(exception)) reply.header('Retry-After', String(DB_RETRY_AFTER_SEC));
    if (body.statusCode === 401) reply.header('WWW-Authenticate', 'Bearer');
    reply.status(body.statusCode).send(body);
  }
}

/**
 * The error body (and status) of any failure, the one mapping: the filter sends it, and the MCP
 * endpoint returns it as a tool's error.
 */
export function errorBody(exception: unknown, logger: Logger): ErrorBody {
  if (exception instanceof DomainError) {
    const statusCode = STATUS[exception.kind];
    return {
      statusCode,
      error: reason(statusCode),
      message: exception.message,
      ...(exception.details ? { details: exception.details } : {}),
    };
  }
  if (exception instanceof ProviderError) {
    const statusCode = PROVIDER_STATUS[exception.failure];
    // the provider's own answer goes to the log; the caller gets the short message
    if (exception.detail)
      logger.warn(`${exception.provider}: ${exception.message}: ${exception.detail}`);
    return {
      statusCode,
      error: reason(statusCode),
      message: exception.message,
      details: { provider: exception.provider },
    };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const res = exception.getResponse();
    const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
    const messages = Array.isArray(raw) ? raw.map(String) : [String(raw ?? exception.message)];
    return {
      statusCode,
      error: reason(statusCode),
      message: messages.join('; '),
      ...(Array.isArray(raw) ? { details: messages } : {}),
    };
  }
  if (isDatabaseUnavailable(exception)) {
    // worth retrying (clients, and nginx for idempotent requests): the cause goes to the log
    logger.warn(`database unavailable: ${(exception as Error).message}`);
    return {
      statusCode: 503,
      error: reason(503),
      message: 'the database is unavailable for a moment; try again shortly',
    };
  }
  const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return {
      statusCode: fastifyStatus,
      error: reason(fastifyStatus),
      message: (exception as Error).message,
    };
  }
  logger.error(
    exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
  );
  return { statusCode: 500, error: reason(500), message: 'internal error' };
}

function isReport(res: unknown): boolean {
  return typeof res === 'object' && res !== null && !('message' in res) && 'status' in res;
}

function reason(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ')
    : 'Error';
}
