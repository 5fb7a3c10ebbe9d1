import { randomUUID } from 'node:crypto';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { AggregateRuntime } from '../aggregate/aggregateRuntime';
import { InProcessMessageBus } from '../bus/inProcessMessageBus';
import type { MessageBus } from '../bus/messageBus';
import { ConsumerSupervisor, type ConsumerReport, type DeadEventView } from '../consumers/consumerSupervisor';
import { BundleStateError, ConfigurationError, InvalidArgumentError } from '../errors';
import { CommandGateway } from '../gateway/commandGateway';
import { QueryGateway } from '../gateway/queryGateway';
import type { ConcreteClass } from '../internal/types';
import { ProjectionRuntime } from '../projection/projectionRuntime';
import { ComponentRegistry } from '../registry/componentRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import { ServiceRuntime } from '../service/serviceRuntime';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';
import { InMemoryConsumerStateStore } from '../stores/inMemoryConsumerStateStore';
import { InMemoryEventStore } from '../stores/inMemoryEventStore';
import type { BundleConfig } from './bundleConfig';
import { BundleEndpoint } from './bundleEndpoint';
import { EventoBundleBuilder } from './eventoBundleBuilder';
import { wrapInvocationHandlers } from './invokers';
import { scanPackage } from './scanPackage';

/**
 * A running set of components: it routes commands to aggregates and services, queries to
 * projections, and runs projectors, sagas and observers over the event store. Build one with
 * `EventoBundle.builder()`.
 */
export class EventoBundle {
  private stopped = false;

  private constructor(
    /** The id given with `setBundleId`: part of every consumer id, so changing it starts new consumers. */
    readonly bundleId: string,
    /** This process's id among the bundle's instances (`setInstanceId`, default a random UUID): the owner of the consumer leases it holds. */
    readonly instanceId: string,
    /** Sends commands through the bundle's bus to whichever bound bundle handles them. */
    readonly commandGateway: CommandGateway,
    /** Sends queries through the bundle's bus to whichever bound bundle answers them. */
    readonly queryGateway: QueryGateway,
    /** The event store the bundle appends to and its consumers read (in memory unless `setEventStore` gave one). */
    readonly eventStore: EventStore,
    /** Where consumers keep offsets, leases, saga instances and dead events (in memory unless `setConsumerStateStore` gave one). */
    readonly consumerStateStore: ConsumerStateStore,
    /** The validated components and their routes. */
    readonly registry: ComponentRegistry,
    private readonly bus: MessageBus,
    private readonly endpoint: BundleEndpoint,
    private readonly supervisor: ConsumerSupervisor,
    private readonly instances: ReadonlyMap<Function, object>,
    /** The bundle's own tsyringe child container, which built the components; resolve your services from it. */
    readonly container: DependencyContainer,
  ) {}

  /** Starts configuring a bundle; `start()` on the builder validates the components and runs them. */
  static builder(): EventoBundleBuilder {
    return new EventoBundleBuilder();
  }

  /** Starts a bundle from a finished configuration; use `EventoBundle.builder()...start()`. @internal */
  static async start(config: BundleConfig): Promise<EventoBundle> {
    const classes = [...config.components];
    for (const dir of config.basePackages) classes.push(...(await scanPackage(dir)));
    const registry = new ComponentRegistry(classes, config.payloads);
    const instanceId = config.instanceId ?? randomUUID();
    const eventStore = config.eventStore ?? new InMemoryEventStore();
    const stateStore = config.consumerStateStore ?? new InMemoryConsumerStateStore();
    const bus = config.messageBus ?? new InProcessMessageBus();
    const commandGateway = new CommandGateway(bus, registry.payloads, config.defaultTimeoutMs);
    const queryGateway = new QueryGateway(bus, registry.payloads, config.defaultTimeoutMs);
    const gateways = { commandGateway, queryGateway };

    const container = (config.container ?? rootContainer).createChildContainer();
    container.registerInstance(CommandGateway, commandGateway);
    container.registerInstance(QueryGateway, queryGateway);
    const instances = new Map<Function, object>();
    for (const component of registry.components)
      instances.set(component.type, construct(container, component));

    const commandRuntimes = new Map<Function, AggregateRuntime | ServiceRuntime>();
    const queryRuntimes = new Map<Function, ProjectionRuntime>();
    const onSnapshotError = (error: unknown): void => config.onError(error, 'snapshot');
    const supervisor = new ConsumerSupervisor(
      {
        bundleId: config.bundleId,
        owner: `${config.bundleId}:${instanceId}`,
        leaseTtlMs: config.leaseTtlMs,
        onError: (e, id) => config.onError(e, `consumer ${id}`),
      },
      eventStore,
      stateStore,
      { payloads: registry.payloads, gateways },
    );
    for (const component of registry.components) {
      const instance = instances.get(component.type) as object;
      const deps = { eventStore, payloads: registry.payloads, gateways };
      if (component.kind === 'aggregate') {
        commandRuntimes.set(
          component.type,
          new AggregateRuntime(component, instance, {
            ...deps,
            conflictRetries: config.commandConflictRetries,
            cacheSize: config.aggregateCacheSize,
            onSnapshotError,
          }),
        );
      } else if (component.kind === 'service') {
        commandRuntimes.set(component.type, new ServiceRuntime(component, instance, deps));
      } else if (component.kind === 'projection') {
        queryRuntimes.set(component.type, new ProjectionRuntime(component, instance, gateways));
      } else if (component.kind === 'invoker') {
        wrapInvocationHandlers(component.type, instance);
      } else {
        supervisor.add(component, instance);
      }
    }
    const endpoint = new BundleEndpoint(
      config.bundleId,
      instanceId,
      registry,
      commandRuntimes,
      queryRuntimes,
    );
    await bus.bind(endpoint);
    const bundle = new EventoBundle(
      config.bundleId,
      instanceId,
      commandGateway,
      queryGateway,
      eventStore,
      stateStore,
      registry,
      bus,
      endpoint,
      supervisor,
      instances,
      container,
    );
    const waitFor = new Set(
      registry
        .ofKind('projector')
        .filter((p) => p.options.waitForHeadReached === true)
        .map((p) => p.name),
    );
    try {
      await supervisor.start((runner) => waitFor.has(runner.config.componentName));
    } catch (error) {
      await bundle.stop();
      throw error;
    }
    return bundle;
  }

  /** The instance of an `@Invoker` class, built by the bundle's container. */
  getInvoker<T>(type: ConcreteClass<T>): T {
    this.checkRunning('getInvoker');
    const instance = this.instances.get(type);
    const kind = registryKind(this.registry.components, type);
    if (instance === undefined || kind !== 'invoker') {
      throw new InvalidArgumentError(
        `${type.name} is not an invoker of bundle '${this.bundleId}'; decorate it with @Invoker() and pass it to setComponents.`,
      );
    }
    return instance as T;
  }

  /** Resolves when every consumer running here has handled every event appended so far. */
  async untilIdle(): Promise<void> {
    this.checkRunning('untilIdle');
    await this.supervisor.untilIdle();
  }

  /** Each consumer's id, offset, lag, error state and dead event count. */
  consumers(): Promise<ConsumerReport[]> {
    return this.supervisor.report();
  }

  /** The dead events of a consumer, oldest first. */
  deadEvents(consumerId: string): Promise<DeadEventView[]> {
    return this.supervisor.deadEvents(consumerId);
  }

  /** Handles a dead event again: removed on success, kept with the new error on failure (and rethrown). */
  retryDeadEvent(consumerId: string, sequenceNumber: number): Promise<void> {
    return this.supervisor.retryDeadEvent(consumerId, sequenceNumber);
  }

  /** Removes a dead event without handling it. */
  deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<void> {
    return this.supervisor.deleteDeadEvent(consumerId, sequenceNumber);
  }

  /** Pauses (false) or resumes (true) a consumer, in every instance of the bundle. */
  setConsumerEnabled(consumerId: string, enabled: boolean): Promise<void> {
    return this.supervisor.setEnabled(consumerId, enabled);
  }

  /**
   * Stops taking commands and queries, lets consumers finish the event in hand and commit, and
   * releases their leases. Stores passed to the builder stay open: close them yourself.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.bus.unbind(this.endpoint);
    await this.supervisor.stop();
  }

  private checkRunning(what: string): void {
    if (this.stopped)
      throw new BundleStateError(
        `${what}() on bundle '${this.bundleId}', which is stopped; start a new bundle.`,
      );
  }
}

function construct(container: DependencyContainer, component: ComponentDescriptor): object {
  try {
    return container.resolve(component.type) as object;
  } catch (cause) {
    throw new ConfigurationError(
      `Cannot construct ${component.name}: ${(cause as Error).message}. Register its constructor's dependencies in the container given to setContainer(), ` +
        'or give them injectable classes.',
      { cause, context: { component: component.name } },
    );
  }
}

function registryKind(components: readonly ComponentDescriptor[], type: Function): string | undefined {
  return components.find((c) => c.type === type)?.kind;
}
