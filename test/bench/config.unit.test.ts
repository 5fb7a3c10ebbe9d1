/** The benchmark's command line: `npm run bench -- ...` as docs/performance.md describes it. */
import { parseArgs, shellQuoted } from '../../bench/harness/config';
import { chooseCases } from '../../bench/harness/filters';
import { BenchUsageError } from '../../bench/harness/usageError';
import type { BenchCase } from '../../bench/harness/types';

const KNOWN = ['commands', 'distributed'];
const parse = (argv: string[]) => parseArgs(argv, KNOWN, () => undefined);

describe('npm run bench arguments', () => {
  it('defaults to every workload and store, 3 runs after a warm-up', () => {
    const config = parse([]);
    expect(config).toMatchObject({
      size: 'full',
      warmup: true,
      workloads: KNOWN,
      stores: ['memory', 'postgres', 'mysql'],
      repetitions: 3,
      latencySeconds: 30,
      resultsDir: 'bench/results',
      cases: [],
      systems: [],
    });
  });

  it('reads workloads, stores, sizes, runs, seconds and filters', () => {
    const config = parse([
      'distributed',
      '--store',
      'postgres',
      '--quick',
      '--reps',
      '2',
      '--seconds',
      '7',
      '--no-results',
      '--case',
      'at 500',
      '--case',
      'Queries',
      '--system',
      'kafka ×1',
    ]);
    expect(config).toMatchObject({
      size: 'quick',
      warmup: false,
      workloads: ['distributed'],
      stores: ['postgres'],
      repetitions: 2,
      latencySeconds: 7,
      resultsDir: undefined,
      cases: ['at 500', 'Queries'],
      systems: ['kafka ×1'],
    });
  });

  it('refuses what it does not know, with the usage', () => {
    expect(() => parse(['--fast'])).toThrow(BenchUsageError);
    expect(() => parse(['--fast'])).toThrow(/^Unknown option --fast; usage: npm run bench/);
    expect(() => parse(['everything'])).toThrow(
      /^Unknown argument "everything"; workloads: commands, distributed; usage: npm run bench/,
    );
    expect(() => parse(['--store', 'sqlite'])).toThrow('Unknown store "sqlite"; use memory, postgres, mysql');
    expect(() => parse(['--store', 'memory', '--stores', 'postgres'])).toThrow(
      'Give one of --store and --stores',
    );
    expect(() => parse(['--reps', 'none'])).toThrow('--reps takes a positive whole number, got "none"');
    expect(() => parse(['--reps', '1.5'])).toThrow('--reps takes a positive whole number, got "1.5"');
    expect(() => parse(['--seconds', 'Infinity'])).toThrow(
      '--seconds takes a positive number, got "Infinity"',
    );
    expect(() => parse(['--quick', '--smoke'])).toThrow('Choose one of --quick and --smoke');
    expect(() => parse(['--reps'])).toThrow(/Option '--reps <value>' argument missing; usage: npm run bench/);
    expect(() => parse(['--case', ' '])).toThrow('--case takes a text to look for in names');
    expect(() => parse(['--system='])).toThrow('--system takes a text to look for in names');
  });

  it('writes the command so that a shell reads it back', () => {
    expect(['distributed', '--case', 'at 500', '--system', 'kafka ×1', "it's"].map(shellQuoted)).toEqual([
      'distributed',
      '--case',
      "'at 500'",
      '--system',
      "'kafka ×1'",
      "'it'\\''s'",
    ]);
  });
});

describe('--case and --system', () => {
  const benchCase = (variant: string, ...systems: string[]): BenchCase => ({
    workload: 'distributed',
    variant,
    store: 'postgres',
    unit: 'cmd/s',
    params: {},
    systems: systems.map((system) => ({
      system: system as BenchCase['systems'][number]['system'],
      create: () => Promise.reject(new Error('not run')),
    })),
  });
  const cases = [
    benchCase('commands, concurrency 16', 'evento-ts', 'evento-ts (kafka ×1)', 'evento-ts (kafka ×2)'),
    benchCase('commands at 500/s', 'evento-ts', 'evento-ts (kafka ×1)', 'evento-ts (kafka ×2)'),
    benchCase('queries, concurrency 16', 'evento-ts', 'evento-ts (kafka ×1)', 'evento-ts (kafka ×2)'),
    benchCase('relay, concurrent writers', 'evento-ts (kafka relay)'),
  ];
  const chosen = (cases_: string[], systems: string[]) =>
    chooseCases({ cases: cases_, systems }, cases).map((c) => [c.variant, c.systems.map((s) => s.system)]);

  it('keeps every case and system without filters', () => {
    expect(chooseCases({ cases: [], systems: [] }, cases)).toEqual(cases);
  });

  it('keeps the cases whose variant holds a text, ignoring case', () => {
    expect(chosen(['AT 500', 'queries'], []).map(([variant]) => variant)).toEqual([
      'commands at 500/s',
      'queries, concurrency 16',
    ]);
  });

  it('keeps the chosen systems beside the first of each case, and drops cases with none chosen', () => {
    expect(chosen(['at 500', 'relay'], ['kafka ×2'])).toEqual([
      ['commands at 500/s', ['evento-ts', 'evento-ts (kafka ×2)']],
    ]);
    expect(chosen([], ['kafka relay'])).toEqual([['relay, concurrent writers', ['evento-ts (kafka relay)']]]);
  });

  it('says so when the run has no cases to filter', () => {
    expect(() => chooseCases({ cases: ['at 500'], systems: [] }, [])).toThrow(
      'This run has no cases to filter: the chosen workloads have none on the chosen stores',
    );
    expect(chooseCases({ cases: [], systems: [] }, [])).toEqual([]);
  });

  it('refuses a text that matches nothing, naming what it could match', () => {
    expect(() => chosen(['at 5000'], [])).toThrow(
      '--case "at 5000" matches no case of this run; variants: "commands, concurrency 16", "commands at 500/s", ',
    );
    expect(() => chosen(['at 500'], ['kafka x1'])).toThrow(
      '--system "kafka x1" matches no system of the chosen cases; systems: "evento-ts", "evento-ts (kafka ×1)", "evento-ts (kafka ×2)"',
    );
  });
});
