import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedCode, regionOf, samplesOf, syncPage, type Sample } from '../../../test/support/docRegions';

const ROOT = join(__dirname, '..', '..', '..');
const TUTORIAL = join(ROOT, 'docs', 'tutorial');
/** Fences that show code of the example must come from it; shell sessions and outputs need not. */
const CODE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'html']);

const pages = readdirSync(TUTORIAL)
  .filter((f) => f.endsWith('.md'))
  .sort();
if (process.env.UPDATE_DOCS === '1') {
  // Copies every region into its page, then checks as usual.
  for (const page of pages) {
    const path = join(TUTORIAL, page);
    writeFileSync(path, syncPage(ROOT, readFileSync(path, 'utf8')));
  }
}
const samples: Sample[] = pages.flatMap((page) =>
  samplesOf(`docs/tutorial/${page}`, readFileSync(join(TUTORIAL, page), 'utf8')),
);

describe('the tutorial', () => {
  it('has pages, and code samples in them', () => {
    expect(pages.length).toBeGreaterThan(10);
    expect(samples.filter((s) => s.region !== undefined).length).toBeGreaterThan(30);
  });

  it.each(samples.filter((s) => CODE_LANGUAGES.has(s.language)).map((s) => [`${s.file}:${s.line}`, s]))(
    '%s comes from a region of the example',
    (_where, sample) => {
      expect(sample.region).toBeDefined();
    },
  );

  it.each(samples.filter((s) => s.region !== undefined).map((s) => [`${s.file}:${s.line}`, s]))(
    '%s shows its region as it is in the code',
    (where, sample) => {
      const expected = expectedCode(ROOT, sample);
      const region = `${sample.region?.path ?? ''}#${sample.region?.name ?? ''}`;
      if (expected === undefined) throw new Error(`${where}: no region ${region} (file or markers missing)`);
      if (expected !== sample.code) {
        throw new Error(
          `${where} differs from ${region}; copy the region into the page, or run ` +
            `UPDATE_DOCS=1 npx jest examples/todolist/test/docs to do it.\n--- region ---\n${expected}\n--- page ---\n${sample.code}`,
        );
      }
    },
  );
});

describe('the sample checker', () => {
  const source = [
    'const a = 1;',
    '// #region outer',
    'function f(): void {',
    '  // #region inner',
    '  g();',
    '  // #endregion inner',
    '}',
    '// #endregion outer',
  ].join('\n');

  it('reads a region without its nested markers, dedented', () => {
    expect(regionOf(source, 'outer')).toBe('function f(): void {\n  g();\n}');
    expect(regionOf(source, 'inner')).toBe('g();');
    expect(regionOf(source, 'missing')).toBeUndefined();
  });

  it('ties a fence to the region marker right before it', () => {
    const page = [
      '<!-- region: src/x.ts#inner -->',
      '',
      '```ts',
      'g();',
      '```',
      '',
      '```bash',
      'npm start',
      '```',
    ];
    expect(samplesOf('p.md', page.join('\n'))).toEqual([
      { file: 'p.md', line: 3, language: 'ts', code: 'g();', region: { path: 'src/x.ts', name: 'inner' } },
      { file: 'p.md', line: 7, language: 'bash', code: 'npm start', region: undefined },
    ]);
  });
});
