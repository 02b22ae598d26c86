/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs', ignoreDynamic: false } }];
// NestJS 12 and several of its dependencies ship only ES modules. Node 20 loads them with
// require(esm) at run time, but Jest's module system cannot (before Node 24.9), so Jest
// compiles every "type": "module" package to CommonJS with the same SWC transform as our code.
const fs = require('node:fs');
const path = require('node:path');
function esmPackages(dir = path.join(__dirname, 'node_modules'), found = new Set()) {
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? fs.readdirSync(path.join(dir, name)).map((n) => `${name}/${n}`) : [name];
    for (const n of names) {
      try {
        if (JSON.parse(fs.readFileSync(path.join(dir, n, 'package.json'), 'utf8')).type === 'module') found.add(n);
      } catch {
        /* not a package */
      }
      // a package may keep its own (ESM) copy of a dependency
      esmPackages(path.join(dir, n, 'node_modules'), found);
    }
  }
  return [...found];
}
// gaxios (googleapis' HTTP client) loads node-fetch with import(), which Jest's CommonJS runtime only allows once compiled
const ESM_PACKAGES = [...esmPackages(), 'gaxios'].map((n) => n.replace(/[.]/g, '\\.'));
const common = {
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  // decided by the innermost node_modules folder of a path, so nested copies count too
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@app/domain(|/.*)$': '<rootDir>/libs/domain/src$1',
    '^@app/integrations(|/.*)$': '<rootDir>/libs/integrations/src$1',
  },
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
    { ...common, displayName: 'real', testMatch: ['<rootDir>/test/real/**/*.spec.ts'] },
    { ...common, displayName: 'topology', testMatch: ['<rootDir>/test/topology/**/*.spec.ts'] },
  ],
};
