import { Command, Option } from 'nest-commander';
import { UsageReport } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

/** The infrastructure document's monthly AI estimates at stage 3 (design.md section 2). */
const DOCUMENT_S3_MONTHLY: Record<string, number> = { creatomate: 2000, suno: 1400, openai: 550 };

@Command({
  name: 'cost:report',
  description:
    "actual cost per provider and day from metering, next to the infrastructure document's stage 3 estimates",
})
export class CostReportCommand extends JsonCommand {
  constructor(private readonly usage: UsageReport) {
    super();
  }

  @Option({ flags: '--month <yyyy-mm>', description: 'the month (UTC), default: this month' })
  parseMonth(v: string): string {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new Error('--month must look like 2026-11');
    return v;
  }

  @Option({
    flags: '--by-day',
    description: 'one row per provider and day (default: per provider)',
  })
  parseByDay(): boolean {
    return true;
  }

  async run(
    _args: string[],
    opts: { json?: boolean; month?: string; byDay?: boolean },
  ): Promise<void> {
    const month = opts.month ?? new Date().toISOString().slice(0, 7);
    const from = new Date(`${month}-01T00:00:00.000Z`);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    // the document's providers always have a row, zero when unused, so the estimate has its neighbour
    const { days: rows, totals } = await this.usage.execute(
      from,
      to,
      Object.keys(DOCUMENT_S3_MONTHLY),
    );
    if (opts.byDay) {
      printRows(
        rows.map((r) => ({
          day: r.day,
          provider: r.provider,
          calls: r.calls,
          units: round(r.units),
          costUsd: round(r.costUsd),
        })),
        Boolean(opts.json),
      );
      return;
    }
    if (rows.length === 0 && !opts.json)
      process.stdout.write(
        `no paid call was metered in ${month}; the document's stage 3 estimates for comparison:\n`,
      );
    printRows(
      totals.map((t) => ({
        month,
        provider: t.provider,
        calls: t.calls,
        units: round(t.units),
        costUsd: round(t.costUsd),
        'document S3 estimate (USD/month)': DOCUMENT_S3_MONTHLY[t.provider] ?? null,
      })),
      Boolean(opts.json),
    );
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
