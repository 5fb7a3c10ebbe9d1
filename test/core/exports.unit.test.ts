import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('package exports', () => {
  it('importing the core loads no database driver nor metrics library', () => {
    const script =
      "require('./src');" +
      'const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](pg|mysql2|kafkajs|@sentry|prom-client)[\\\\/]/.test(f));' +
      'process.stdout.write(JSON.stringify(loaded));';
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([]);
  });

  it('exposes the core, the adapters and the fixtures as subpaths, and hides internals', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining(['.', './testing', './postgres', './mysql']),
    );
    expect(pkg.exports['./internal/*']).toBeNull();
    expect(pkg.peerDependenciesMeta.pg?.optional).toBe(true);
    expect(pkg.peerDependenciesMeta.mysql2?.optional).toBe(true);
  });
});
