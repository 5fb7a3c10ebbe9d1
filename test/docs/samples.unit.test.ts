import { region, samples } from './samples';

describe('code samples in the docs', () => {
  const found = samples(['README.md', 'docs']);

  it('finds the marked samples', () => {
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  it.each(found.map((s) => [`${s.doc}: ${s.file}#${s.name}`, s] as const))(
    '%s matches its source',
    (_label, sample) => {
      expect(sample.code).toBe(region(sample.file, sample.name));
    },
  );
});
