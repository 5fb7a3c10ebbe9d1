import type { BenchConfig } from './config';
import type { BenchCase } from './types';
import { BenchUsageError } from './usageError';

/** The `--case` and `--system` texts of a run (see {@link chooseCases}). */
export type BenchFilters = Pick<BenchConfig, 'cases' | 'systems'>;

/**
 * The cases and systems that `--case` and `--system` leave of `cases`: a case whose variant
 * contains one of the `--case` texts (every case when none is given) runs when one of its systems
 * contains one of the `--system` texts (every system when none is given), with its first system
 * beside the chosen ones: the evento-ts system that its targets, and its ×raw and ×Emmett
 * columns, compare. Texts ignore case. A text that matches nothing is an error naming what it
 * could have matched, so that a mistyped filter does not run an empty benchmark.
 */
export function chooseCases(filters: BenchFilters, cases: readonly BenchCase[]): BenchCase[] {
  const byVariant = cases.filter(
    (benchCase) => filters.cases.length === 0 || containsAny(benchCase.variant, filters.cases),
  );
  if (cases.length === 0 && (filters.cases.length > 0 || filters.systems.length > 0))
    throw new BenchUsageError(
      'This run has no cases to filter: the chosen workloads have none on the chosen stores (distributed needs --store postgres).',
    );
  for (const text of filters.cases) {
    if (!cases.some((benchCase) => contains(benchCase.variant, text)))
      throw new BenchUsageError(
        `--case ${JSON.stringify(text)} matches no case of this run; variants: ${distinct(cases.map((c) => c.variant))}`,
      );
  }
  const systems = byVariant.flatMap((benchCase) => benchCase.systems.map(({ system }) => system));
  for (const text of filters.systems) {
    if (!systems.some((system) => contains(system, text)))
      throw new BenchUsageError(
        `--system ${JSON.stringify(text)} matches no system of the chosen cases; systems: ${distinct(systems)}`,
      );
  }
  const chosen = (system: string): boolean =>
    filters.systems.length === 0 || containsAny(system, filters.systems);
  return byVariant
    .filter((benchCase) => benchCase.systems.some(({ system }) => chosen(system)))
    .map((benchCase) => ({
      ...benchCase,
      systems: benchCase.systems.filter(({ system }, index) => index === 0 || chosen(system)),
    }));
}

function contains(name: string, text: string): boolean {
  return name.toLowerCase().includes(text.toLowerCase());
}

function containsAny(name: string, texts: readonly string[]): boolean {
  return texts.some((text) => contains(name, text));
}

function distinct(names: readonly string[]): string {
  return [...new Set(names)].map((name) => JSON.stringify(name)).join(', ');
}
