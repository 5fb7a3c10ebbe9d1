/** The benchmark's command line: `npm run bench -- ...` as docs/performance.md describes it. */
import { caseChosen, parseArgs, systemChosen } from '../../bench/harness/config';

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
    expect(caseChosen(config, 'commands at 500/s')).toBe(true);
    expect(caseChosen(config, 'queries, concurrency 16')).toBe(true);
    expect(caseChosen(config, 'commands, concurrency 16')).toBe(false);
    expect(systemChosen(config, 'evento-ts (kafka ×1)', false)).toBe(true);
    expect(systemChosen(config, 'evento-ts (kafka ×2)', false)).toBe(false);
    expect(systemChosen(config, 'evento-ts', true)).toBe(true);
  });

  it('refuses what it does not know, with the usage', () => {
    expect(() => parse(['--fast'])).toThrow(/Unknown option '--fast'.*usage: npm run bench/);
    expect(() => parse(['everything'])).toThrow('Unknown argument "everything"; workloads: commands, distributed');
    expect(() => parse(['--store', 'sqlite'])).toThrow('Unknown store "sqlite"; use memory, postgres, mysql');
    expect(() => parse(['--reps', 'none'])).toThrow('--reps takes a positive number, got "none"');
    expect(() => parse(['--quick', '--smoke'])).toThrow('Choose one of --quick and --smoke');
    expect(() => parse(['--reps'])).toThrow(/--reps.*argument missing|argument missing.*--reps|usage/);
  });
});
