import { Injectable, NestMiddleware } from '@nestjs/common';
import { DatabaseContext } from '@app/domain';

/** Gives every request its own database scope: read-your-writes, and the view opt-in (see DatabaseContext). */
@Injectable()
export class DatabaseContextMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: () => void): void {
    DatabaseContext.run(next);
  }
}
