/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false, diagnostics: false }],
  },
  moduleNameMapper: {
    '^evento-ts$': '<rootDir>/src/index.ts',
    '^evento-ts/(testing|postgres|mysql|kafka)$': '<rootDir>/src/$1/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
};
