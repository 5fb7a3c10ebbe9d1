import { BundleStateError, ConfigurationError, InvalidArgumentError, TimeoutError } from '../errors';
import { clusterOf } from '../bus/cluster';
import type { ClusterBundle } from '../bus/messageBus';
import type { CommandGateway } from '../gateway/commandGateway';
import type { QueryGateway } from '../gateway/queryGateway';
import type { ConcreteClass } from '../internal/types';
import type { ConsumerReport, DeadEventView } from '../consumers/consumerSupervisor';
import type { ComponentRegistry } from '../registry/componentRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';
import type { DependencyContainer } from 'tsyringe';
import { assembleBundle, type BundleParts } from './assembleBundle';
import type { BundleConfig } from './bundleConfig';
import type { MetricsReport } from './bundleMetrics';
import { EventoBundleBuilder } from './eventoBundleBuilder';

/** Options of `untilIdle`. */
export interface UntilIdleOptions {
  /** Reject with a TimeoutError naming every consumer still behind after this many ms; default: wait as long as it takes. */
  timeoutMs?: number;
}

/** Counters of a running bundle (since it started, in this instance). */
export interface BundleStats {
  /**
   * Commands decided again after another writer appended to their aggregate first, by aggregate
   * type. A type whose count keeps growing is contended: see `setCommandConflictRetries`.
   */
  readonly conflictRetries: Readonly<Record<string, number>>;
}

/**
 * A running set of components: it routes commands to aggregates and services, queries to
 * projections, and runs projectors, sagas and observers over the event store. Build one with
 * `EventoBundle.builder()`.
 */
export class EventoBundle {
  private stopped = false;
  /** The id given with `setBundleId`: part of every consumer id, so changing it starts new consumers. */
  readonly bundleId: string;
  /** This process's id among the bundle's instances (`setInstanceId`, default a random UUID): the owner of the consumer leases it holds. */
  readonly instanceId: string;
  /** Sends commands through the bundle's bus to whichever bound bundle handles them. */
  readonly commandGateway: CommandGateway;
  /** Sends queries through the bundle's bus to whichever bound bundle answers them. */
  readonly queryGateway: QueryGateway;
  /** The event store the bundle appends to and its consumers read (in memory unless `setEventStore` gave one). */
  readonly eventStore: EventStore;
  /** Where consumers keep offsets, leases, saga instances and dead events (in memory unless `setConsumerStateStore` gave one). */
  readonly consumerStateStore: ConsumerStateStore;
  /** The validated components and their routes. */
  readonly registry: ComponentRegistry;
  /** The bundle's own tsyringe child container, which built the components; resolve your services from it. */
  readonly container: DependencyContainer;

  private constructor(private readonly parts: BundleParts) {
    this.bundleId = parts.bundleId;
    this.instanceId = parts.instanceId;
    this.commandGateway = parts.commandGateway;
    this.queryGateway = parts.queryGateway;
    this.eventStore = parts.eventStore;
    this.consumerStateStore = parts.consumerStateStore;
    this.registry = parts.registry;
    this.container = parts.container;
  }

  /** Starts configuring a bundle; `start()` on the builder validates the components and runs them. */
  static builder(): EventoBundleBuilder {
    return new EventoBundleBuilder((config) => EventoBundle.start(config));
  }

  /** Starts a bundle from a finished configuration; use `EventoBundle.builder()...start()`. @internal */
  static async start(config: BundleConfig): Promise<EventoBundle> {
    const parts = await assembleBundle(config);
    const bundle = new EventoBundle(parts);
    const waitFor = new Set(
      parts.registry
        .ofKind('projector')
        .filter((p) => p.options.waitForHeadReached === true)
        .map((p) => p.name),
    );
    try {
      await parts.supervisor.start((runner) => waitFor.has(runner.config.componentName));
    } catch (error) {
      await bundle.stop();
      throw error;
    }
    return bundle;
  }

  /** The instance of an `@Invoker` class, built by the bundle's container. */
  getInvoker<T>(type: ConcreteClass<T>): T {
    this.checkRunning('getInvoker');
    const instance = this.parts.instances.get(type);
    const kind = registryKind(this.registry.components, type);
    if (instance === undefined || kind !== 'invoker') {
      throw new InvalidArgumentError(
        `${type.name} is not an invoker of bundle '${this.bundleId}'; decorate it with @Invoker() and pass it to setComponents.`,
      );
    }
    return instance as T;
  }

  /**
   * Resolves once the bundle is idle: no command is being handled here, and every consumer
   * running here has handled every event, including those appended meanwhile by handlers reacting
   * to earlier ones (a saga's commands, and what their events set off). With `timeoutMs`, rejects
   * after it with a TimeoutError naming each consumer still behind, its offset and the head.
   */
  async untilIdle(options: UntilIdleOptions = {}): Promise<void> {
    this.checkRunning('untilIdle');
    const settled = this.settle();
    const { timeoutMs } = options;
    if (timeoutMs === undefined) return settled;
    settled.catch(() => undefined); // after a timeout, nobody awaits it any more
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    try {
      if ((await Promise.race([settled, timedOut])) === 'timeout') throw await this.idleTimeout(timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private async settle(): Promise<void> {
    const { endpoint, eventStore, supervisor } = this.parts;
    for (;;) {
      await endpoint.untilNoCommandInFlight();
      const head = await eventStore.headSequence();
      await supervisor.untilCaughtUp(head);
      if (this.stopped) return;
      if (endpoint.commandsInFlight === 0 && (await eventStore.headSequence()) === head) return;
    }
  }

  private async idleTimeout(timeoutMs: number): Promise<TimeoutError> {
    const reports = await this.consumers();
    const behind = reports.filter((r) => r.running && r.lag > 0);
    const head = await this.parts.eventStore.headSequence();
    const described = behind.map(
      (r) =>
        `${r.consumerId} at offset ${r.offset} of ${head}${r.error === null ? '' : ` (failing: ${r.error.message})`}`,
    );
    const commands = this.parts.endpoint.commandsInFlight;
    if (commands > 0) described.push(`${commands} command(s) still being handled`);
    return new TimeoutError(
      `untilIdle() timed out after ${timeoutMs} ms: ${described.join('; ') || 'work was still arriving'}. ` +
        'Look at the failing handler in bundle.consumers(), or allow more time.',
      {
        context: {
          timeoutMs,
          head,
          behind: behind.map((r) => ({ consumerId: r.consumerId, offset: r.offset })),
        },
      },
    );
  }

  /** This instance's counters: conflict retries per aggregate type. */
  stats(): BundleStats {
    return { conflictRetries: this.parts.conflicts.snapshot() };
  }

  /**
   * The bundle's metrics now, as Prometheus text and as structured values; see
   * docs/observability.md for the names. Needs `setMetrics` on the builder.
   */
  metrics(): Promise<MetricsReport> {
    this.checkRunning('metrics');
    const { metrics } = this.parts;
    if (metrics === undefined) {
      throw new ConfigurationError(
        `metrics() on bundle '${this.bundleId}', which collects none: call setMetrics(new PrometheusMetrics()) ` +
          "on its builder (PrometheusMetrics from 'evento-ts/metrics').",
      );
    }
    return metrics.report();
  }

  /** Each consumer's id, offset, lag, error state and dead event count. */
  consumers(): Promise<ConsumerReport[]> {
    return this.parts.supervisor.report();
  }

  /** The dead events of a consumer, oldest first. */
  deadEvents(consumerId: string): Promise<DeadEventView[]> {
    return this.parts.supervisor.deadEvents(consumerId);
  }

  /** Handles a dead event again: removed on success, kept with the new error on failure (and rethrown). */
  retryDeadEvent(consumerId: string, sequenceNumber: number): Promise<void> {
    return this.parts.supervisor.retryDeadEvent(consumerId, sequenceNumber);
  }

  /** Removes a dead event without handling it. */
  deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<void> {
    return this.parts.supervisor.deleteDeadEvent(consumerId, sequenceNumber);
  }

  /** Pauses (false) or resumes (true) a consumer, in every instance of the bundle. */
  setConsumerEnabled(consumerId: string, enabled: boolean): Promise<void> {
    return this.parts.supervisor.setEnabled(consumerId, enabled);
  }

  /**
   * The live bundle instances the message bus knows, grouped by bundle: this one and, over a bus
   * between processes (`KafkaMessageBus`), those other processes announced. A bus that cannot tell
   * lists this instance only.
   */
  cluster(): ClusterBundle[] {
    const { bus, endpoint } = this.parts;
    if (bus.cluster !== undefined) return bus.cluster();
    if (this.stopped) return [];
    return clusterOf([
      {
        bundleId: endpoint.bundleId,
        bundleVersion: endpoint.bundleVersion,
        instanceId: endpoint.instanceId,
        commandNames: endpoint.commandNames,
        queryNames: endpoint.queryNames,
        local: true,
        lastSeen: new Date(),
      },
    ]);
  }

  /**
   * Stops taking commands and queries, waits (up to `setStopTimeout`, default 10 s) for those
   * being handled here so that their answers go out, lets consumers finish the event in hand and
   * commit, and releases their leases. Stores and the message bus passed to the builder stay open:
   * close them yourself, after the bundles using them stopped.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { bus, endpoint, stopTimeoutMs } = this.parts;
    await bus.unbind(endpoint);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      endpoint.untilQuiet(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    await this.parts.supervisor.stop();
    this.parts.metrics?.detach();
  }

  private checkRunning(what: string): void {
    if (this.stopped)
      throw new BundleStateError(
        `${what}() on bundle '${this.bundleId}', which is stopped; start a new bundle.`,
      );
  }
}

function registryKind(components: readonly ComponentDescriptor[], type: Function): string | undefined {
  return components.find((c) => c.type === type)?.kind;
}
