/** Commands print a table for people or JSON for scripts (--json). */
export function printRows(rows: Record<string, unknown>[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else if (rows.length === 0) {
    process.stdout.write('(nothing)\n');
  } else {
    console.table(rows);
  }
}
