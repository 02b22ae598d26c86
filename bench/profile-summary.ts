/* Self time per function (and per package) from a .cpuprofile: what a CPU goal is spent on. */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function summarise(
  file: string,
  top = 15,
): { functions: { name: string; share: number }[]; packages: { name: string; share: number }[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const id of p.samples) {
    const n = byId.get(id)!;
    const url = n.callFrame.url;
    const name = `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber}`;
    fn.set(name, (fn.get(name) ?? 0) + 1);
    const where = url.includes('node_modules/')
      ? url
          .split('node_modules/')
          .pop()!
          .split('/')
          .slice(0, url.split('node_modules/').pop()!.startsWith('@') ? 2 : 1)
          .join('/')
      : url.includes('/dist/')
        ? 'castad'
        : url.startsWith('node:')
          ? 'node core'
          : n.callFrame.functionName.startsWith('(')
            ? n.callFrame.functionName
            : 'other';
    pkg.set(where, (pkg.get(where) ?? 0) + 1);
  }
  const total = p.samples.length || 1;
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, c]) => ({ name, share: Number((c / total).toFixed(3)) }));
  return { functions: rank(fn), packages: rank(pkg) };
}

if (require.main === module) {
  const s = summarise(process.argv[2]);
  console.table(s.packages);
  console.table(s.functions);
}
