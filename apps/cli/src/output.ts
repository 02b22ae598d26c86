import Table from 'cli-table3';

/**
 * Commands print a table for people or JSON for scripts (--json). The table is cli-table3's:
 * columns aligned (Korean text counted at its display width), no index column, no colours.
 */
export function printRows(rows: Record<string, unknown>[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else if (rows.length === 0) {
    process.stdout.write('(nothing)\n');
  } else {
    const head = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    // no rule between rows: one line per row, like a terminal table should be
    const table = new Table({
      head,
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    for (const r of rows) table.push(head.map((h) => cell(r[h])));
    process.stdout.write(table.toString() + '\n');
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
