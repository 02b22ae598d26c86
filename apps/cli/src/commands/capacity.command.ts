import { Command, Option } from 'nest-commander';
import { AppConfig, DatabaseServer, planCapacity } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

@Command({
  name: 'capacity',
  description:
    "connections our topology opens to the primary and each replica, next to the infrastructure document's table",
})
export class CapacityCommand extends JsonCommand {
  constructor(
    private readonly config: AppConfig,
    private readonly server: DatabaseServer,
  ) {
    super();
  }

  @Option({ flags: '--stage <stage>', description: '1, 2 or 3 (default: CASTAD_STAGE)' })
  parseStage(v: string): string {
    if (!['1', '2', '3'].includes(v)) throw new Error('--stage must be 1, 2 or 3');
    return v;
  }

  @Option({ flags: '--api-instances <n>', description: 'API instances behind nginx' })
  parseInstances(v: string): number {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 500)
      throw new Error('--api-instances must be a whole number from 1 to 500');
    return n;
  }

  @Option({
    flags: '--max-connections <n>',
    description:
      "the server's max_connections (default: read from the server when connected, else the document's advice)",
  })
  parseMax(v: string): number {
    return Number(v);
  }

  async run(
    _args: string[],
    opts: { json?: boolean; stage?: string; apiInstances?: number; maxConnections?: number },
  ): Promise<void> {
    const stage = (opts.stage ?? (this.config.stage === 'embedded' ? '1' : this.config.stage)) as
      '1' | '2' | '3';
    let max = opts.maxConnections;
    let source = max ? 'given' : 'document';
    if (max === undefined && this.config.database.kind === 'mysql') {
      max = await this.server.maxConnections();
      if (max !== undefined) source = 'server';
    }
    const p = planCapacity(stage, opts.apiInstances ?? 1, max);
    printRows(
      [
        {
          stage: p.stage,
          apiInstances: p.apiInstances,
          'api pool/node': p.apiPoolPerNode,
          'scheduler pool/node': p.schedulerPoolPerNode,
          'primary total (ours)': p.primaryTotal,
          'each replica (ours)': p.perReplicaTotal,
          'primary total (document)': p.document.primaryTotal,
          max_connections: `${p.maxConnections} (${source})`,
          headroom: p.headroom,
          fits: p.fits,
        },
      ],
      Boolean(opts.json),
    );
    if (!p.fits) process.exitCode = 4;
  }
}
