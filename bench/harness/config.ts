import { STORES, type StoreKind } from './types';

/**
 * How large a run is: 'full' measures; 'quick' (`--quick`) is a short run for a human to look at;
 * 'smoke' (`--smoke`) only proves that every workload runs, with the smallest sizes (the CI test).
 */
export type BenchSize = 'full' | 'quick' | 'smoke';

/** What one `npm run bench` invocation runs. */
export interface BenchConfig {
  readonly size: BenchSize;
  /** Run a warm-up before the measured runs (only at full size). */
  readonly warmup: boolean;
  readonly workloads: readonly string[];
  readonly stores: readonly StoreKind[];
  /** Measured runs per system (after a warm-up). */
  readonly repetitions: number;
  /** Length of each latency run in seconds. */
  readonly latencySeconds: number;
  /** Directory of the JSON lines; undefined: write none. */
  readonly resultsDir: string | undefined;
  readonly log: (line: string) => void;
}

export const PG_URL =
  process.env.EVENTO_BENCH_PG_URL ??
  process.env.EVENTO_TEST_PG_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL =
  process.env.EVENTO_BENCH_MYSQL_URL ??
  process.env.EVENTO_TEST_MYSQL_URL ??
  'mysql://root@127.0.0.1:3306/test';

/** The value of `values` for the run's size: each workload states its sizes in one place. */
export function bySize<T>(config: BenchConfig, values: Readonly<Record<BenchSize, T>>): T {
  return values[config.size];
}

/**
 * Parses `[workload...] [--store s[,s]] [--quick | --smoke] [--reps n] [--seconds n] [--no-results]`.
 */
export function parseArgs(
  argv: readonly string[],
  known: readonly string[],
  log: (line: string) => void,
): BenchConfig {
  const workloads: string[] = [];
  let stores: StoreKind[] = [...STORES];
  let size: BenchSize = 'full';
  let repetitions: number | undefined;
  let seconds: number | undefined;
  let results = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick' || arg === '--smoke') {
      const chosen = arg === '--quick' ? 'quick' : 'smoke';
      if (size !== 'full' && size !== chosen) throw new Error('Choose one of --quick and --smoke');
      size = chosen;
    } else if (arg === '--store' || arg === '--stores') stores = value().split(',').map(toStore);
    else if (arg === '--reps') repetitions = positive(arg, value());
    else if (arg === '--seconds') seconds = positive(arg, value());
    else if (arg === '--no-results') results = false;
    else if (known.includes(arg)) workloads.push(arg);
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}; workloads: ${known.join(', ')}`);
  }
  return {
    size,
    warmup: size === 'full',
    workloads: workloads.length > 0 ? workloads : known,
    stores,
    // --quick and --smoke: one measured run, no warm-up.
    repetitions: repetitions ?? (size === 'full' ? 3 : 1),
    latencySeconds: seconds ?? { full: 30, quick: 5, smoke: 0.25 }[size],
    resultsDir: results ? 'bench/results' : undefined,
    log,
  };
}

function toStore(value: string): StoreKind {
  const store = STORES.find((s) => s === value);
  if (store === undefined)
    throw new Error(`Unknown store ${JSON.stringify(value)}; use ${STORES.join(', ')}`);
  return store;
}

function positive(arg: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${arg} takes a positive number, got ${JSON.stringify(value)}`);
  return n;
}
