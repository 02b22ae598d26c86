import { Global, Injectable, Module } from '@nestjs/common';
import { Principal } from '@app/domain';

/** The kinds of thing a creating request (REST or MCP) makes and a replay shows again. */
export type CreatedKind = 'store' | 'photo' | 'project' | 'publication';

/** Shows again what an Idempotency-Key's first request made, as it is now (a NotFoundError: gone). */
export type ReplayView = (by: Principal, ids: string[]) => Promise<unknown>;

/**
 * How each kind of thing a creating request makes ('store', 'photo', 'project', 'publication')
 * is answered again on a replay, REST and MCP alike: each API module registers the kinds it
 * answers with (the same DTO its route returns), so a replay carries fresh signed links and
 * 410 when the thing is gone instead of a stored answer.
 */
@Injectable()
export class IdempotentReplays {
  private readonly views = new Map<string, ReplayView>();

  register(kind: CreatedKind, view: ReplayView): void {
    if (this.views.has(kind)) throw new Error(`a replay view for ${kind} is registered twice`);
    this.views.set(kind, view);
  }

  rebuild(by: Principal | undefined, resource: { kind: string; ids: string[] }): Promise<unknown> {
    const view = this.views.get(resource.kind);
    if (!view) throw new Error(`no replay view for ${resource.kind}`);
    if (!by) throw new Error('a replay needs the caller');
    return view(by, resource.ids);
  }
}

@Global()
@Module({ providers: [IdempotentReplays], exports: [IdempotentReplays] })
export class IdempotentReplaysModule {}
