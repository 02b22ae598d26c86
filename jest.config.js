/** @type {import('jest').Config} */
// Our TypeScript is compiled by SWC to CommonJS. Packages that ship only ES modules (NestJS 12
// and several of its dependencies) are loaded as they are: on Node 24.9+ Jest supports
// require(esm) and import() once Node runs with --experimental-vm-modules (set in `npm test`).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs', ignoreDynamic: false },
  },
];
const common = {
  // a bound on a hung test, not a speed target: 5 s (Jest's default) failed tests that start an
  // API on a busy machine; suites that need longer say so with jest.setTimeout
  testTimeout: 60_000,
  transform: { '^.+\\.ts$': swc },
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
