/**
 * The port a metrics library plugs into (`setMetrics` on the builder): the bundle attaches it
 * while it is assembled, and `bundle.metrics()` reads it. `evento-ts/metrics` implements it on
 * prom-client; the core never loads a metrics library.
 */
import type { ConsumerReport } from '../consumers/consumerSupervisor';
import type { DispatchInterceptorFn } from '../gateway/dispatchInterceptor';
import type { EventStore } from '../stores/eventStore';

/** What a bundle offers the metrics attached to it: who it is, and readings taken when scraped. */
export interface MetricsSource {
  /** The bundle's id. */
  readonly bundleId: string;
  /** This process's instance id of the bundle. */
  readonly instanceId: string;
  /** The bundle's event store (to read how old the oldest event a consumer has not handled is). */
  readonly eventStore: EventStore;
  /** What `bundle.consumers()` reports. */
  consumers(): Promise<ConsumerReport[]>;
  /** Commands being handled by this bundle instance now. */
  commandsInFlight(): number;
  /** Queries being answered by this bundle instance now. */
  queriesInFlight(): number;
  /** What `bundle.stats().conflictRetries` reports: commands decided again after a conflict, per aggregate type. */
  conflictRetries(): Readonly<Record<string, number>>;
}

/** Metrics attached to one bundle. */
export interface AttachedMetrics {
  /** Run (innermost) on every command and query the bundle's gateways send, if given. */
  readonly dispatchInterceptor?: DispatchInterceptorFn | undefined;
  /** The current values. */
  report(): Promise<MetricsReport>;
  /** Stops collecting (the bundle stopped). */
  detach(): void;
}

/**
 * Metrics for a bundle, set with `setMetrics` on the builder. One instance serves one bundle:
 * `attach` is called once, when the bundle starts.
 */
export interface BundleMetrics {
  /** Starts collecting for the bundle described by `source`. */
  attach(source: MetricsSource): AttachedMetrics;
}

/** The metrics of a bundle, as text for a Prometheus scrape and as values for a console. */
export interface MetricsReport {
  /** The HTTP content type of `text`. */
  readonly contentType: string;
  /** The Prometheus text exposition of every metric. */
  readonly text: string;
  /** The same values, structured: one family per metric name. */
  readonly families: readonly MetricFamily[];
}

/** One metric and its samples. */
export interface MetricFamily {
  /** The metric's name, such as `evento_handler_calls_total`. */
  readonly name: string;
  /** What it measures. */
  readonly help: string;
  /** Its Prometheus type. */
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
  /** Its samples, one per label set (a histogram has `_bucket`, `_sum` and `_count` samples). */
  readonly samples: readonly MetricSample[];
}

/** One value of a metric. */
export interface MetricSample {
  /** The sample's name: the family's, or for a histogram `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  readonly name: string;
  /** Its labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Its value. */
  readonly value: number;
}
