import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  AttachedMetrics,
  BundleMetrics,
  MetricFamily,
  MetricsReport,
  MetricsSource,
} from '../bundle/bundleMetrics';
import type { ConsumerReport } from '../consumers/consumerSupervisor';
import { ConfigurationError, TimeoutError } from '../errors';
import type { DispatchInterceptorFn } from '../gateway/dispatchInterceptor';
import { watchBatches, watchHandlerCalls } from './channelWatch';
import { EventoMetricNames as names } from './metricNames';

/** Options of {@link PrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** Buckets of `evento_handler_duration_seconds`, in seconds; default 0.5 ms to 10 s. */
  readonly durationBuckets?: readonly number[];
  /** Buckets of `evento_consumer_batch_size`, in events; default 1 to 1,000. */
  readonly batchSizeBuckets?: readonly number[];
}

const defaultDurationBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const defaultBatchSizeBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

const handlerLabels = ['bundle', 'kind', 'component', 'handler', 'payload'] as const;
const consumerLabels = ['bundle', 'consumer', 'component'] as const;

/** One scrape's reading of the consumers. */
interface ConsumerReading {
  readonly report: ConsumerReport;
  readonly lagSeconds: number;
}

/**
 * A bundle's metrics on prom-client, in a `Registry` of its own (never prom-client's global
 * one), so two bundles in one process never collide. Give each bundle its own instance
 * (`setMetrics(new PrometheusMetrics())`); read them with `bundle.metrics()`, serve them with
 * `metricsHandler(bundle)`, or merge `registry` into your application's with `Registry.merge`.
 * Labels never carry an aggregate id or other per-message value, so their number stays bounded
 * by the bundle's components, handlers, payload classes and consumers.
 */
export class PrometheusMetrics implements BundleMetrics {
  /** The prom-client registry holding this bundle's metrics. */
  readonly registry = new Registry();
  private attachedTo: string | undefined;

  /** Creates the metrics; they count once `setMetrics` attached them to a bundle that started. */
  constructor(private readonly options: PrometheusMetricsOptions = {}) {}

  /** Called by the bundle as it starts. @internal */
  attach(source: MetricsSource): AttachedMetrics {
    if (this.attachedTo !== undefined) {
      throw new ConfigurationError(
        `These PrometheusMetrics already serve bundle '${this.attachedTo}'; give bundle '${source.bundleId}' its own (new PrometheusMetrics()).`,
      );
    }
    this.attachedTo = source.bundleId;
    return new PrometheusBundleMetrics(this.registry, source, this.options);
  }
}

/** The metrics of one attached bundle. */
class PrometheusBundleMetrics implements AttachedMetrics {
  readonly dispatchInterceptor: DispatchInterceptorFn;
  private readonly unsubscribes: (() => void)[] = [];
  /** The consumers' reading shared by the gauges of one scrape. */
  private reading: Promise<ConsumerReading[]> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly source: MetricsSource,
    options: PrometheusMetricsOptions,
  ) {
    const registers = [registry];
    const bundle = source.bundleId;
    const calls = new Counter({
      name: names.handlerCalls,
      help: 'Handler calls (command, query, event, invocation handlers), failed ones included.',
      labelNames: handlerLabels,
      registers,
    });
    const errors = new Counter({
      name: names.handlerErrors,
      help: 'Handler calls that threw or rejected.',
      labelNames: handlerLabels,
      registers,
    });
    const duration = new Histogram({
      name: names.handlerDuration,
      help: 'How long handler calls took, in seconds (handler interceptors included).',
      labelNames: handlerLabels,
      buckets: [...(options.durationBuckets ?? defaultDurationBuckets)],
      registers,
    });
    const retries = new Counter({
      name: names.consumerRetries,
      help: "A consumer's handler calls repeated after a failure (attempt 2 and later).",
      labelNames: consumerLabels,
      registers,
    });
    const batchSize = new Histogram({
      name: names.consumerBatchSize,
      help: 'Events per batch a consumer fetched and handled.',
      labelNames: consumerLabels,
      buckets: [...(options.batchSizeBuckets ?? defaultBatchSizeBuckets)],
      registers,
    });
    const timeouts = new Counter({
      name: names.busTimeouts,
      help: "Commands and queries sent by the bundle's gateways that got no answer in time.",
      labelNames: ['bundle', 'kind', 'payload'],
      registers,
    });
    this.consumerGauge(
      names.consumerLagEvents,
      "Events in the store after a consumer's offset.",
      (r) => r.report.lag,
    );
    this.consumerGauge(
      names.consumerLagSeconds,
      'Age in seconds of the oldest event a consumer has not handled yet; 0 when caught up.',
      (r) => r.lagSeconds,
    );
    this.consumerGauge(
      names.consumerDeadEvents,
      "Events waiting in a consumer's dead events.",
      (r) => r.report.deadEvents,
    );
    this.bundleGauge(names.commandsInFlight, 'Commands being handled by the bundle instance now.', () =>
      source.commandsInFlight(),
    );
    this.bundleGauge(names.queriesInFlight, 'Queries being answered by the bundle instance now.', () =>
      source.queriesInFlight(),
    );
    new Counter({
      name: names.aggregateConflictRetries,
      help: 'Commands decided again after another writer appended to their aggregate first.',
      labelNames: ['bundle', 'aggregate'],
      registers,
      collect(this: Counter<'bundle' | 'aggregate'>) {
        this.reset();
        for (const [aggregate, count] of Object.entries(source.conflictRetries()))
          this.inc({ bundle, aggregate }, count);
      },
    });

    const labelsOf = (call: {
      handlerKind: string;
      component: string;
      handler: string;
      payloadName: string;
    }): Record<(typeof handlerLabels)[number], string> => ({
      bundle,
      kind: call.handlerKind,
      component: call.component,
      handler: call.handler,
      payload: call.payloadName,
    });
    this.unsubscribes.push(
      watchHandlerCalls(source, {
        started: (call) => {
          if (call.consumerId !== undefined && (call.attempt ?? 1) > 1)
            retries.inc({ bundle, consumer: call.consumerId, component: call.component });
        },
        finished: (call, seconds, failed) => {
          const labels = labelsOf(call);
          calls.inc(labels);
          if (failed) errors.inc(labels);
          duration.observe(labels, seconds);
        },
      }),
      watchBatches(source, (batch) =>
        batchSize.observe({ bundle, consumer: batch.consumerId, component: batch.component }, batch.size),
      ),
    );
    this.dispatchInterceptor = async (dispatch, next) => {
      try {
        return await next();
      } catch (error) {
        if (error instanceof TimeoutError)
          timeouts.inc({ bundle, kind: dispatch.kind, payload: dispatch.payloadName });
        throw error;
      }
    };
  }

  async report(): Promise<MetricsReport> {
    // One reading of the consumers for both renderings, so the text and the values agree.
    const reading = this.readConsumers();
    this.reading = reading;
    try {
      const families = (await this.registry.getMetricsAsJSON()).map((metric): MetricFamily => ({
        name: metric.name,
        help: metric.help,
        type: String(metric.type) as MetricFamily['type'],
        samples: metric.values.map((v) => ({
          name: (v as { metricName?: string }).metricName ?? metric.name,
          labels: Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)])),
          value: v.value,
        })),
      }));
      const text = await this.registry.metrics();
      return { contentType: this.registry.contentType, text, families };
    } finally {
      if (this.reading === reading) this.reading = undefined;
    }
  }

  detach(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  private consumerGauge(name: string, help: string, value: (reading: ConsumerReading) => number): void {
    const bundle = this.source.bundleId;
    const readings = (): Promise<ConsumerReading[]> => this.reading ?? this.readConsumers();
    new Gauge({
      name,
      help,
      labelNames: consumerLabels,
      registers: [this.registry],
      async collect(this: Gauge<(typeof consumerLabels)[number]>) {
        const now = await readings();
        this.reset();
        for (const r of now)
          this.set({ bundle, consumer: r.report.consumerId, component: r.report.component }, value(r));
      },
    });
  }

  private bundleGauge(name: string, help: string, value: () => number): void {
    const bundle = this.source.bundleId;
    new Gauge({
      name,
      help,
      labelNames: ['bundle'],
      registers: [this.registry],
      collect(this: Gauge<'bundle'>) {
        this.set({ bundle }, value());
      },
    });
  }

  /** The consumers' reports, and for each one behind, the age of the first event it has not handled. */
  private async readConsumers(): Promise<ConsumerReading[]> {
    const reports = await this.source.consumers();
    const now = Date.now();
    return Promise.all(
      reports.map(async (report) => {
        if (report.lag === 0) return { report, lagSeconds: 0 };
        const [next] = await this.source.eventStore.readStream({
          after: report.offset,
          limit: 1,
          contexts: report.context === '*' ? undefined : [report.context],
        });
        const lagSeconds = next === undefined ? 0 : Math.max(0, (now - next.createdAt.getTime()) / 1000);
        return { report, lagSeconds };
      }),
    );
  }
}
