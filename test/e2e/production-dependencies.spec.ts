import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? jsFiles(join(dir, e.name))
      : e.name.endsWith('.js')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Package names our compiled apps load at run time (require and import() of bare names). */
function runtimeImports(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of jsFiles(join(root, 'dist'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
      const spec = m[1];
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
      if (!found.has(name)) found.set(name, file.slice(root.length + 1));
    }
  }
  return found;
}

/**
 * The runtime image holds only the production dependency set (`npm prune --omit=dev`): a
 * package the apps load that is only a devDependency is missing there, and the app does not
 * start (seen: @azure/storage-blob). This reads what dist/ (built by `npm test`) loads.
 */
describe('production dependencies', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const imports = runtimeImports();

  it('finds the imports of the compiled apps', () => {
    // a scan that finds nothing proves nothing: these are loaded by every app
    expect([...imports.keys()]).toEqual(
      expect.arrayContaining(['@nestjs/core', 'typeorm', '@azure/storage-blob']),
    );
  });

  it('lists every package the compiled apps load under "dependencies"', () => {
    const missing = [...imports]
      .filter(([name]) => !builtins.has(name) && !(name in pkg.dependencies))
      .map(
        ([name, file]) =>
          `${name} (loaded by ${file}${name in pkg.devDependencies ? '; only a devDependency' : ''})`,
      );
    expect(missing).toEqual([]);
  });
});
