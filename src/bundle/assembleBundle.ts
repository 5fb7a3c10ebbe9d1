/**
 * How a bundle is put together from its configuration, step by step: read and validate the
 * components, create the gateways and the handling pipeline, construct the components, give each
 * its runtime, and offer the bundle's commands and queries on the bus. `EventoBundle.start` then
 * starts the consumers.
 */
import { randomUUID } from 'node:crypto';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { AggregateRuntime } from '../aggregate/aggregateRuntime';
import { ConflictRetryCounter } from '../aggregate/conflictRetries';
import { InProcessMessageBus } from '../bus/inProcessMessageBus';
import type { MessageBus } from '../bus/messageBus';
import { ConsumerSupervisor } from '../consumers/consumerSupervisor';
import { HandlerProcessor, type ProcessorDeps } from '../consumers/handlerProcessor';
import { ConfigurationError, type ErrorContext } from '../errors';
import { CommandGateway } from '../gateway/commandGateway';
import { Dispatcher } from '../gateway/dispatcher';
import { tracingInterceptors } from '../tracing/tracingInterceptors';
import { QueryGateway } from '../gateway/queryGateway';
import { HandlingPipeline } from '../handling/handlingPipeline';
import { ProjectionRuntime } from '../projection/projectionRuntime';
import { ComponentRegistry } from '../registry/componentRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import { SagaProcessor } from '../saga/sagaProcessor';
import { ServiceRuntime } from '../service/serviceRuntime';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';
import { InMemoryConsumerStateStore } from '../stores/inMemoryConsumerStateStore';
import { InMemoryEventStore } from '../stores/inMemoryEventStore';
import { ErrorRegistry } from '../wire/errorRegistry';
import type { WireContext } from '../wire/wireCodec';
import type { BundleConfig } from './bundleConfig';
import type { AttachedMetrics } from './bundleMetrics';
import { BundleEndpoint } from './bundleEndpoint';
import { wrapInvocationHandlers } from './invokers';
import { scanPackage } from './scanPackage';

/** A bundle's parts, assembled and bound to the bus; its consumers not started yet. */
export interface BundleParts {
  readonly bundleId: string;
  readonly instanceId: string;
  /** How long `stop()` waits for requests in flight here, in ms. */
  readonly stopTimeoutMs: number;
  readonly registry: ComponentRegistry;
  readonly eventStore: EventStore;
  readonly consumerStateStore: ConsumerStateStore;
  readonly bus: MessageBus;
  readonly commandGateway: CommandGateway;
  readonly queryGateway: QueryGateway;
  readonly container: DependencyContainer;
  readonly instances: ReadonlyMap<Function, object>;
  readonly endpoint: BundleEndpoint;
  readonly supervisor: ConsumerSupervisor;
  /** Commands decided again after a conflict, per aggregate type. */
  readonly conflicts: ConflictRetryCounter;
  /** The metrics attached to the bundle, if `setMetrics` gave any. */
  readonly metrics: AttachedMetrics | undefined;
}

export async function assembleBundle(config: BundleConfig): Promise<BundleParts> {
  // 1. The components, validated as a whole (every problem reported at once).
  const classes = [...config.components];
  for (const dir of config.basePackages) classes.push(...(await scanPackage(dir)));
  const registry = new ComponentRegistry(classes, config.payloads);
  const wire: WireContext = {
    payloads: registry.payloads,
    errors: new ErrorRegistry(config.errors),
    shareErrorStacks: config.shareErrorStacks,
  };

  // 2. Stores, bus, gateways and the handling pipeline.
  const bundleId = config.bundleId;
  const instanceId = config.instanceId ?? randomUUID();
  const eventStore = config.eventStore ?? new InMemoryEventStore();
  const consumerStateStore = config.consumerStateStore ?? new InMemoryConsumerStateStore();
  const bus = config.messageBus ?? new InProcessMessageBus();
  // The tracing agent, when set, is the outermost handler interceptor (spans cover the rest) and
  // gives every message sent its trace context before the dispatch interceptors see it.
  const tracing = config.tracingAgent === undefined ? undefined : tracingInterceptors(config.tracingAgent);
  // The metrics are attached in step 5, once nothing can fail before the bus; their interceptor runs innermost.
  const attached: { metrics?: AttachedMetrics | undefined } = {};
  const dispatchInterceptors = [...config.dispatchInterceptors];
  if (config.metrics !== undefined)
    dispatchInterceptors.push((dispatch, next) => {
      const intercept = attached.metrics?.dispatchInterceptor;
      return intercept === undefined ? next() : intercept(dispatch, next);
    });
  const dispatcher = new Dispatcher(bus, {
    defaultTimeoutMs: config.defaultTimeoutMs,
    interceptors: dispatchInterceptors,
    propagatedKeys: config.propagatedMetadataKeys,
    wire,
    ...(tracing === undefined ? {} : { traceContext: tracing.traceContext }),
  });
  const commandGateway = new CommandGateway(dispatcher, registry.payloads);
  const queryGateway = new QueryGateway(dispatcher, registry.payloads);
  const gateways = { commandGateway, queryGateway };
  const handlerInterceptors =
    tracing === undefined ? config.handlerInterceptors : [tracing.handler, ...config.handlerInterceptors];
  const pipeline = new HandlingPipeline({ bundleId, instanceId }, handlerInterceptors);
  const onError = (error: unknown, where: Omit<ErrorContext, 'bundleId'>): void =>
    config.onError(error, { ...where, bundleId });

  // 3. The component instances, from a child of the application's container.
  const container = (config.container ?? rootContainer).createChildContainer();
  container.registerInstance(CommandGateway, commandGateway);
  container.registerInstance(QueryGateway, queryGateway);
  const instances = new Map<Function, object>();
  for (const component of registry.components) instances.set(component.type, construct(container, component));

  // 4. A runtime for each component, and a consumer for each event relay.
  const conflicts = new ConflictRetryCounter();
  const supervisor = new ConsumerSupervisor(
    { bundleId, owner: `${bundleId}:${instanceId}`, leaseTtlMs: config.leaseTtlMs, onError },
    eventStore,
    consumerStateStore,
    registry.payloads,
  );
  const processorDeps: ProcessorDeps = { payloads: registry.payloads, gateways, pipeline };
  const runtimeDeps = { eventStore, payloads: registry.payloads, gateways, pipeline };
  const commandRuntimes = new Map<Function, AggregateRuntime | ServiceRuntime>();
  const queryRuntimes = new Map<Function, ProjectionRuntime>();
  for (const component of registry.components) {
    const instance = instances.get(component.type) as object;
    switch (component.kind) {
      case 'aggregate':
        commandRuntimes.set(
          component.type,
          new AggregateRuntime(component, instance, {
            ...runtimeDeps,
            conflictRetries: config.commandConflictRetries,
            cacheSize: config.aggregateCacheSize,
            onConflictRetry: (aggregate) => conflicts.record(aggregate),
            onSnapshotError: (error, aggregateId) =>
              onError(error, { kind: 'snapshot', component: component.name, aggregateId }),
          }),
        );
        break;
      case 'service':
        commandRuntimes.set(component.type, new ServiceRuntime(component, instance, runtimeDeps));
        break;
      case 'projection':
        queryRuntimes.set(component.type, new ProjectionRuntime(component, instance, gateways, pipeline));
        break;
      case 'invoker':
        wrapInvocationHandlers(component, instance, pipeline);
        break;
      case 'saga':
        supervisor.add(component, new SagaProcessor(component, instance, processorDeps, consumerStateStore));
        break;
      case 'projector':
      case 'observer':
        supervisor.add(component, new HandlerProcessor(component, instance, processorDeps));
        break;
    }
  }

  for (const relay of config.relays) supervisor.addRelay(relay);

  // 5. The metrics, if any, and the bundle's commands and queries, offered on the bus.
  const endpoint = new BundleEndpoint(
    bundleId,
    instanceId,
    registry,
    commandRuntimes,
    queryRuntimes,
    wire,
    config.bundleVersion,
  );
  const metrics = config.metrics?.attach({
    bundleId,
    instanceId,
    eventStore,
    consumers: () => supervisor.report(),
    commandsInFlight: () => endpoint.commandsInFlight,
    queriesInFlight: () => endpoint.queriesInFlight,
    conflictRetries: () => conflicts.snapshot(),
  });
  attached.metrics = metrics;
  try {
    await bus.bind(endpoint);
  } catch (error) {
    metrics?.detach();
    throw error;
  }
  return {
    bundleId,
    instanceId,
    stopTimeoutMs: config.stopTimeoutMs,
    registry,
    eventStore,
    consumerStateStore,
    bus,
    commandGateway,
    queryGateway,
    container,
    instances,
    endpoint,
    supervisor,
    conflicts,
    metrics,
  };
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
