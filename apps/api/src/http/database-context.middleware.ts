import { Injectable, NestMiddleware } from '@nestjs/common';
import { DatabaseContext } from '@app/domain';

/** Gives every request its own read-your-writes scope (see DatabaseRouter). */
@Injectable()
export class DatabaseContextMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: () => void): void {
    DatabaseContext.run(next);
  }
}
