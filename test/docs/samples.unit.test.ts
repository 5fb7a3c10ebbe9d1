import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedCode, samplesOf } from '../support/docRegions';

const root = join(__dirname, '..', '..');
// docs/tutorial/ has its own checks: test/docs/tutorial.unit.test.ts and tutorial.e2e.test.ts.
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const samples = pages
  .flatMap((page) => samplesOf(page, readFileSync(join(root, page), 'utf8')))
  .filter((s) => s.region !== undefined);

describe('code samples in the README and docs/', () => {
  it('finds the marked samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(samples.map((s) => [`${s.file}:${s.line} ${s.region?.path}#${s.region?.name}`, s] as const))(
    '%s matches its source',
    (_label, sample) => {
      expect(sample.code).toBe(expectedCode(root, sample));
    },
  );
});
