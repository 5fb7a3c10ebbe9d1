import { parseArgs as parseCommandLineArgs } from 'node:util';
import { STORES, type StoreKind } from './types';
import { BenchUsageError } from './usageError';

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
  /** `--case`: run only the cases whose variant contains one of these texts (all when empty). */
  readonly cases: readonly string[];
  /** `--system`: run only the systems whose name contains one of these, beside each case's baseline. */
  readonly systems: readonly string[];
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
 * Parses `[workload...] [--store s[,s]] [--quick | --smoke] [--reps n] [--seconds n] [--no-results]
 * [--case text]... [--system text]...` with `node:util`'s parser.
 */
export function parseArgs(
  argv: readonly string[],
  known: readonly string[],
  log: (line: string) => void,
): BenchConfig {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    throw new BenchUsageError(`${parseError(error)}; ${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.quick === true && values.smoke === true)
    throw new BenchUsageError('Choose one of --quick and --smoke');
  if (values.store !== undefined && values.stores !== undefined)
    throw new BenchUsageError('Give one of --store and --stores (they are the same option)');
  for (const [option, texts] of [
    ['--case', values.case],
    ['--system', values.system],
  ] as const) {
    if (texts?.some((text) => text.trim() === ''))
      throw new BenchUsageError(
        `${option} takes a text to look for in names; an empty one would match everything`,
      );
  }
  const size: BenchSize = values.quick === true ? 'quick' : values.smoke === true ? 'smoke' : 'full';
  for (const workload of positionals) {
    if (!known.includes(workload))
      throw new BenchUsageError(
        `Unknown argument ${JSON.stringify(workload)}; workloads: ${known.join(', ')}; ${USAGE}`,
      );
  }
  return {
    size,
    warmup: size === 'full',
    workloads: positionals.length > 0 ? positionals : known,
    stores: (values.store ?? values.stores)?.split(',').map(toStore) ?? [...STORES],
    // --quick and --smoke: one measured run, no warm-up.
    repetitions: values.reps === undefined ? (size === 'full' ? 3 : 1) : positiveWhole('--reps', values.reps),
    latencySeconds:
      values.seconds === undefined
        ? { full: 30, quick: 5, smoke: 0.25 }[size]
        : positive('--seconds', values.seconds),
    resultsDir: values['no-results'] === true ? undefined : 'bench/results',
    cases: values.case ?? [],
    systems: values.system ?? [],
    log,
  };
}

const USAGE =
  'usage: npm run bench -- [workload...] [--store memory,postgres,mysql] [--quick | --smoke] [--reps n] ' +
  '[--seconds n] [--no-results] [--case text]... [--system text]...';

function parseCommandLine(argv: readonly string[]) {
  return parseCommandLineArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      store: { type: 'string' },
      stores: { type: 'string' },
      reps: { type: 'string' },
      seconds: { type: 'string' },
      'no-results': { type: 'boolean' },
      case: { type: 'string', multiple: true },
      system: { type: 'string', multiple: true },
    },
  });
}

function toStore(value: string): StoreKind {
  const store = STORES.find((s) => s === value);
  if (store === undefined)
    throw new BenchUsageError(`Unknown store ${JSON.stringify(value)}; use ${STORES.join(', ')}`);
  return store;
}

function positive(arg: string, value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n)))
    throw new BenchUsageError(`${arg} takes a positive number, got ${JSON.stringify(value)}`);
  return n;
}

function positiveWhole(arg: string, value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isSafeInteger(n)))
    throw new BenchUsageError(`${arg} takes a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** node:util's message, but for an unknown option one that does not suggest passing it as a workload. */
function parseError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const option = /'([^']+)'/.exec(message)?.[1];
  return `Unknown option ${option ?? message}`;
}

/** `arg` as a shell reads it back: quoted when it holds anything but plain characters. */
export function shellQuoted(arg: string): string {
  return /^[\w@%+=:,./×-]+$/u.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
