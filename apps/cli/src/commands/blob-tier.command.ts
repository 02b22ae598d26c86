import { Command, Option } from 'nest-commander';
import { BlobTiering } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

@Command({
  name: 'blob:tier',
  description: 'move files not accessed for N days (default 30) to the Cool tier',
})
export class BlobTierCommand extends JsonCommand {
  constructor(private readonly tiering: BlobTiering) {
    super();
  }

  @Option({ flags: '--days <n>', description: 'unaccessed for this many days (default 30)' })
  parseDays(v: string): number {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new Error('--days must be a whole number of days, 1 or more');
    return n;
  }

  @Option({ flags: '--dry-run', description: 'list the files; move nothing' })
  parseDryRun(): boolean {
    return true;
  }

  async run(
    _args: string[],
    opts: { json?: boolean; days?: number; dryRun?: boolean },
  ): Promise<void> {
    const before = new Date(Date.now() - (opts.days ?? 30) * 86_400_000);
    const moved = await this.tiering.coolStale(before, Boolean(opts.dryRun));
    const rows = moved.map((f) => ({
      container: f.container,
      key: f.blobKey,
      bytes: f.bytes,
      lastAccessedAt: f.lastAccessedAt?.toISOString() ?? null,
      tier: opts.dryRun ? 'Hot' : 'Cool',
    }));
    printRows(rows, Boolean(opts.json));
  }
}
