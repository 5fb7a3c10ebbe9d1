import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface TypedocOptions {
  entryPoints: string[];
  validation: Record<string, boolean>;
  treatValidationWarningsAsErrors: boolean;
}

describe('API reference', () => {
  it('is generated for every entry point of the package, with every validation on', () => {
    const options = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as TypedocOptions;
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string } | null | string>;
      scripts: Record<string, string>;
    };
    const entrySources = Object.values(pkg.exports)
      .flatMap((target) =>
        target !== null && typeof target === 'object' && target.types ? [target.types] : [],
      )
      .map((types) => types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
    expect([...options.entryPoints].sort()).toEqual(entrySources.sort());
    expect(options.validation).toEqual({ notExported: true, invalidLink: true, notDocumented: true });
    expect(options.treatValidationWarningsAsErrors).toBe(true);
    expect(pkg.scripts['docs:api']).toBe('typedoc');
  });

  it("passes TypeDoc's validation: every public export and member has a doc comment", () => {
    // TypeDoc is an ES module: run its CLI, as `npm run docs:api` does, converting without writing.
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    );
    const output = `${run.stdout}${run.stderr}`.trim();
    expect({ status: run.status, output }).toEqual({ status: 0, output: '' });
  }, 60_000);
});
