/** The shapes every part of the harness shares. */

export type StoreKind = 'memory' | 'postgres' | 'mysql';
export const STORES: readonly StoreKind[] = ['memory', 'postgres', 'mysql'];

/** evento-ts over Kafka with 1, 2 or 3 domain instances, each in a process of its own. */
export const KAFKA_SYSTEMS = [
  'evento-ts (kafka ×1)',
  'evento-ts (kafka ×2)',
  'evento-ts (kafka ×3)',
] as const;

/**
 * The same requests and database work as evento-ts over Kafka, written by hand with kafkajs and
 * pg (one domain instance in a child process): what the broker and client cost on this machine.
 */
export const RAW_KAFKA_SYSTEM = 'raw (kafka ×1)' as const;

/** evento-ts appending while a bundle's KafkaEventRelay publishes the store to a topic. */
export const RELAY_SYSTEM = 'evento-ts (kafka relay)';

/**
 * 'raw' does evento-ts's statements by hand; 'raw-min' the least an append needs (read, insert,
 * unique key); 'evento-ts (no cache)' is evento-ts with its aggregate state cache turned off;
 * 'evento-ts + <agent>' is evento-ts with that tracing agent set.
 */
export type SystemName =
  | 'evento-ts'
  | 'evento-ts (no cache)'
  | 'raw'
  | 'raw-min'
  | 'emmett'
  | TracedSystemName
  | (typeof KAFKA_SYSTEMS)[number]
  | typeof RAW_KAFKA_SYSTEM
  | typeof RELAY_SYSTEM;

/** evento-ts with a tracing agent (the tracing workload). */
export type TracedSystemName =
  | 'evento-ts + pass-through agent'
  | 'evento-ts + new-trace agent'
  | 'evento-ts + Sentry (rate 0)'
  | 'evento-ts + Sentry (rate 1)'
  | 'evento-ts + OpenTelemetry';

/** A case's parameters, written as they are into the results. */
export type Params = Readonly<Record<string, string | number | boolean>>;

/** What one timed run reports. */
export interface RunOutput {
  /** Operations done (commands, events, loads...): throughput is ops / duration. */
  readonly ops: number;
  /** The timed part in ms, when the runner timed itself (otherwise the whole run is timed). */
  readonly durationMs?: number;
  /** Per-operation latencies in ms, when the workload measures them. */
  readonly latenciesMs?: readonly number[];
  /** Further figures of this run (delivered / appended, peak RSS of a child process...). */
  readonly extra?: Readonly<Record<string, number>>;
}

/** One system taking part in a case: set up by its factory, run again and again, then closed. */
export interface SystemRun {
  readonly system: SystemName;
  /** Untimed preparation before each run (reset an offset, truncate a read model). */
  prepare?(run: RunInfo): Promise<void>;
  run(run: RunInfo): Promise<RunOutput>;
  close(): Promise<void>;
}

export interface RunInfo {
  /** 0 for the warm-up, then 1, 2, 3... */
  readonly index: number;
  readonly warmup: boolean;
}

export type SystemFactory = () => Promise<SystemRun>;

/** One line of a workload: a store, parameters, and the systems measured side by side. */
export interface BenchCase {
  readonly workload: string;
  /** What sets this case apart within the workload (e.g. "concurrency 16", "exactly-once"). */
  readonly variant: string;
  readonly store: StoreKind;
  readonly params: Params;
  readonly systems: readonly { readonly system: SystemName; readonly create: SystemFactory }[];
  /** What a throughput counts, for the table ("cmd/s", "events/s"...). */
  readonly unit: string;
  /** Run a warm-up first (default true; not for runs in fresh processes). */
  readonly warmup?: boolean;
  /** Whether throughput ratios mean anything here (not for a fixed offered rate). Default true. */
  readonly compare?: boolean;
  /** Overrides the harness's repetitions (e.g. the long latency runs in --quick). */
  readonly repetitions?: number;
  /**
   * Set the systems up all at once rather than one after another: for systems in processes of
   * their own, which then start and load their data side by side. Default false.
   */
  readonly setUpTogether?: boolean;
  /** Set up anything shared by the systems (schemas, bulk data); runs once before them. */
  readonly setup?: () => Promise<void>;
}

/** One measured run. */
export interface Sample {
  readonly index: number;
  readonly ops: number;
  readonly durationMs: number;
  readonly throughput: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly latency?: Percentiles;
  readonly extra: Readonly<Record<string, number>>;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export interface Range {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The result of one system in one case: what the table shows and a JSON line holds. */
export interface Measurement {
  readonly workload: string;
  readonly variant: string;
  readonly store: StoreKind;
  readonly system: SystemName;
  readonly params: Params;
  readonly unit: string;
  readonly compare: boolean;
  readonly repetitions: number;
  readonly throughput?: Range;
  readonly latencyMs?: { readonly p50: Range; readonly p95: Range; readonly p99: Range };
  /** Node process CPU (user + system) per run, ms, and as a share of the run's wall time. */
  readonly cpuMs?: Range;
  readonly cpuPercent?: number;
  readonly peakRssMb?: number;
  readonly extra: Readonly<Record<string, Range>>;
  readonly samples: readonly Sample[];
  readonly error?: string;
}
