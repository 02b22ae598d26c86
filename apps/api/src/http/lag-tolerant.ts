import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable } from 'rxjs';
import { DatabaseContext } from '@app/domain';

const LAG_TOLERANT = 'castad:lagTolerant';

/**
 * Marks a view whose reads may come from a replica a moment behind the primary (lists, a
 * project's page). Everything else (actions, views that must show what was just done, like
 * connected accounts) reads the primary. A replica that finds nothing still asks the primary.
 */
export const LagTolerant = () => SetMetadata(LAG_TOLERANT, true);

/** Opens the replica to the request's reads when its route is @LagTolerant(). */
@Injectable()
export class LagTolerantInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean>(LAG_TOLERANT, context.getHandler())) DatabaseContext.allowLag();
    return next.handle();
  }
}
