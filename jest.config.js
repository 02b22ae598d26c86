/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true } }];
// NestJS 12 and a few of its dependencies ship only ES modules. Node 20 loads them with
// require(esm) at run time, but Jest's module system cannot (before Node 24.9), so Jest
// compiles those packages to CommonJS with the same SWC transform as our code.
const ESM_PACKAGES = ['@nestjs', 'nestjs-pino', 'file-type', 'load-esm', 'uid', 'strtok3', 'token-types', '@tokenizer', 'peek-readable', 'uint8array-extras', '@borewit'];
const common = {
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
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
  ],
};
