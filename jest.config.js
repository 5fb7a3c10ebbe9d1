/**
 * One jest project per test tier, told apart by the file name: `*.unit.test.ts` (no services),
 * `*.int.test.ts` (PostgreSQL, MariaDB), `*.e2e.test.ts` (processes, HTTP, the browser).
 * `npm test` runs them all; `npm run test:unit` (or test:int, test:e2e) one tier.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  // Test files are transpiled one at a time (tsconfig.jest.json: isolatedModules), as ts-node
  // --transpile-only, esbuild or swc do; `npm run typecheck` checks the types.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^evento-ts$': '<rootDir>/src/index.ts',
    '^evento-ts/(testing|postgres|mysql|kafka|metrics|opentelemetry|sentry)$': '<rootDir>/src/$1/index.ts',
  },
  setupFiles: ['reflect-metadata'],
};

/**
 * Tests that check what tsc records for decorated parameters from the whole program's types (a
 * class brought in with `import type` becomes Function): compiled as tsc compiles them, in a
 * project of their own (ts-jest keeps one compiler per jest project).
 */
const FULL_PROGRAM = ['<rootDir>/test/core/registry.unit.test.ts'];

const tier = (name) => ({
  ...shared,
  displayName: name,
  testMatch: [`**/*.${name}.test.ts`],
  testPathIgnorePatterns: ['/node_modules/', ...FULL_PROGRAM],
});

const fullProgram = {
  ...shared,
  displayName: 'unit',
  testMatch: FULL_PROGRAM,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [tier('unit'), fullProgram, tier('int'), tier('e2e')],
  testTimeout: 30000,
};
