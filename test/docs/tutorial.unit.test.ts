import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chapterOf, containsExcerpt, tutorialChapters } from '../support/tutorial';

const root = join(__dirname, '..', '..');
const chapters = tutorialChapters();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};

/** The reader's files after each chapter (file steps applied in order). */
function filesByChapter(): Map<string, Map<string, string>> {
  const files = new Map<string, string>();
  const result = new Map<string, Map<string, string>>();
  for (const chapter of chapters) {
    for (const step of chapter.steps) if (step.kind === 'file') files.set(step.path, step.code);
    result.set(chapter.page, new Map(files));
  }
  return result;
}

describe('the tutorial (docs/tutorial)', () => {
  it('has its 16 chapters, and writes the app in them', () => {
    expect(chapters).toHaveLength(16);
    const files = filesByChapter().get(chapters[15]?.page ?? '');
    expect([...(files?.keys() ?? [])]).toEqual(
      expect.arrayContaining([
        'tsconfig.json',
        'jest.config.js',
        'src/main.ts',
        'src/app.ts',
        'test/http.test.ts',
      ]),
    );
  });

  it.each(chapters.map((c) => [c.page, c] as const))(
    '%s shows code only as a file, an excerpt of one, or commands to run',
    (_page, chapter) => {
      expect(chapter.unmarkedCode).toEqual([]);
    },
  );

  it('shows excerpts as they are in the file at that point', () => {
    const files = new Map<string, string>();
    const wrong: string[] = [];
    for (const chapter of chapters)
      for (const step of chapter.steps) {
        if (step.kind === 'file') files.set(step.path, step.code);
        if (step.kind === 'excerpt' && !containsExcerpt(files.get(step.path) ?? '', step.code))
          wrong.push(`${step.at} is not in ${step.path} as written so far`);
      }
    expect(wrong).toEqual([]);
  });

  it('ends every chapter that writes code with the checks: the types, then the tests once there are some', () => {
    const missing: string[] = [];
    let tests = false;
    for (const chapter of chapters) {
      if (!chapter.steps.some((s) => s.kind === 'file' && s.path.endsWith('.ts'))) continue; // chapter 4: only configuration
      tests ||= chapter.steps.some((s) => s.kind === 'file' && /^test\/.*\.test\.ts$/.test(s.path));
      const lastFile = chapter.steps.map((s) => s.kind).lastIndexOf('file');
      const check = chapter.steps.findIndex((s, i) => i > lastFile && s.kind === 'run');
      const commands = check < 0 ? '' : (chapter.steps[check]?.code ?? '');
      if (!commands.includes('npx tsc --noEmit'))
        missing.push(`${chapter.page}: no npx tsc --noEmit after its files`);
      if (tests && !commands.includes('npm test'))
        missing.push(`${chapter.page}: no npm test after its files`);
    }
    expect(missing).toEqual([]);
  });

  it("installs the tools at the versions the project itself uses (package.json's devDependencies)", () => {
    const installed = new Map<string, string>();
    for (const chapter of chapters)
      for (const step of chapter.steps)
        if (step.kind === 'run')
          for (const line of step.code.split('\n').filter((l) => /^npm install\b/.test(l)))
            for (const spec of line
              .split(/\s+/)
              .slice(2)
              .filter((w) => !w.startsWith('-') && !w.startsWith('.'))) {
              const at = spec.lastIndexOf('@');
              if (at <= 0) throw new Error(`${step.at}: ${spec} names no version`);
              installed.set(spec.slice(0, at), spec.slice(at + 1));
            }
    for (const tool of ['typescript', 'ts-node', 'jest', 'ts-jest', '@types/jest', '@types/node', 'fastify'])
      expect(installed.has(tool)).toBe(true);
    for (const [name, range] of installed) expect([name, range]).toEqual([name, pkg.devDependencies[name]]);
  });

  it('reads markers: a file, an excerpt, commands to run; and finds unmarked code', () => {
    const page = [
      '<!-- file: src/a.ts -->',
      '',
      '```ts',
      'export const a = 1;',
      '```',
      '<!-- excerpt: src/a.ts -->',
      '```ts',
      'a = 1',
      '```',
      '<!-- run -->',
      '```bash',
      'npm test',
      '```',
      '```ts',
      'lost();',
      '```',
      '```text',
      'output',
      '```',
    ].join('\n');
    const chapter = chapterOf('p.md', page);
    expect(chapter.steps).toEqual([
      { kind: 'file', path: 'src/a.ts', code: 'export const a = 1;', at: 'p.md:3' },
      { kind: 'excerpt', path: 'src/a.ts', code: 'a = 1', at: 'p.md:7' },
      { kind: 'run', code: 'npm test', at: 'p.md:11' },
    ]);
    expect(chapter.unmarkedCode).toEqual(['p.md:14']);
    expect(containsExcerpt('class A {\n  f(): void {\n    g();\n  }\n}', 'f(): void {\n  g();\n}')).toBe(
      true,
    );
    expect(containsExcerpt('class A {\n  f(): void {\n    h();\n  }\n}', 'f(): void {\n  g();\n}')).toBe(
      false,
    );
  });
});
