import type { DependencyContainer } from 'tsyringe';
import type { MessageBus } from '../bus/messageBus';
import { ConfigurationError, describeErrorContext, type ErrorContext } from '../errors';
import type { DispatchInterceptor, DispatchInterceptorFn } from '../gateway/dispatchInterceptor';
import {
  handlerInterceptorFn,
  type HandlerInterceptor,
  type HandlerInterceptorFn,
  type HandlerInterceptorOptions,
} from '../handling/handlerInterceptor';
import { CONSUMER_NAME_RULE } from '../consumers/consumerId';
import type { EventRelay } from '../consumers/eventRelay';
import type { TracingAgent } from '../tracing/tracingAgent';
import type { Class } from '../internal/types';
import { defaultPropagatedMetadataKeys } from '../messages/metadata';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';
import type { BundleConfig } from './bundleConfig';
import type { BundleMetrics } from './bundleMetrics';
import type { EventoBundle } from './eventoBundle';

const ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;

/**
 * Collects a bundle's settings; `start()` validates them, builds the bundle and starts it. Get one
 * from `EventoBundle.builder()`.
 */
export class EventoBundleBuilder {
  private readonly config: BundleConfig = {
    bundleId: '',
    instanceId: undefined,
    bundleVersion: undefined,
    stopTimeoutMs: 10_000,
    components: [],
    basePackages: [],
    payloads: [],
    errors: [],
    shareErrorStacks: false,
    eventStore: undefined,
    consumerStateStore: undefined,
    messageBus: undefined,
    container: undefined,
    commandConflictRetries: 10,
    aggregateCacheSize: 10_000,
    defaultTimeoutMs: 30_000,
    leaseTtlMs: 15_000,
    relays: [],
    handlerInterceptors: [],
    dispatchInterceptors: [],
    propagatedMetadataKeys: defaultPropagatedMetadataKeys,
    metrics: undefined,
    tracingAgent: undefined,
    onError: (error, where) => console.error(`[evento] ${describeErrorContext(where)}:`, error),
  };

  /** @internal Use `EventoBundle.builder()`; `starter` starts a bundle from the collected settings. */
  constructor(private readonly starter: (config: BundleConfig) => Promise<EventoBundle>) {}

  /** The bundle's name: part of every consumer id, and what the message bus knows it by. Required. */
  setBundleId(bundleId: string): this {
    this.config.bundleId = checkId('setBundleId', bundleId);
    return this;
  }

  /**
   * This process's name among the instances of the bundle (letters, digits, `.` and `-`); default a
   * random UUID per start. It owns the consumer leases this process takes: two running processes
   * with one instance id both believe they hold a lease and handle the same events, so give each
   * process its own (a pod or host name), or leave the default.
   */
  setInstanceId(instanceId: string): this {
    this.config.instanceId = checkId('setInstanceId', instanceId);
    return this;
  }

  /** Adds decorated component classes. */
  setComponents(components: readonly unknown[]): this {
    this.config.components.push(...components);
    return this;
  }

  /**
   * Adds every decorated component class exported by the modules under `dir`, searched recursively
   * when `start()` runs; declaration files, `*.test.*`/`*.spec.*` files and node_modules are skipped.
   * Hazards: a relative `dir` is taken from the current directory (`process.cwd()`), not from the
   * calling file, so prefer `path.join(__dirname, 'components')`; every module there is imported
   * (side effects run); a class must be exported to be found; and `.ts` modules load only under a
   * TypeScript loader (ts-node, tsx, jest), so compiled code must point at the compiled folder.
   */
  setBasePackage(dir: string): this {
    this.config.basePackages.push(dir);
    return this;
  }

  /** Registers payload classes no handler of this bundle names (for example, views nested in events). */
  registerPayloads(classes: readonly Class[]): this {
    this.config.payloads.push(...classes);
    return this;
  }

  /**
   * Registers application error classes: when a handler on the other side of the message bus
   * throws one, the caller receives an instance of the same class (its own fields kept, its
   * constructor not run). The framework's own errors always are; an error whose class is not
   * registered arrives as a RemoteHandlerError holding its name, message and fields. Classes are
   * matched by class name, so two registered classes may not share one.
   */
  registerErrors(classes: readonly Class<Error>[]): this {
    this.config.errors.push(...classes);
    return this;
  }

  /**
   * Whether errors this bundle's handlers throw cross the message bus with their stack; default
   * false (a stack shows file paths and code structure, which callers in other processes need not see).
   */
  setShareErrorStacks(share: boolean): this {
    if (typeof share !== 'boolean')
      throw new ConfigurationError(`setShareErrorStacks(${String(share)}): pass true or false.`);
    this.config.shareErrorStacks = share;
    return this;
  }

  /** The event store; default a new InMemoryEventStore. */
  setEventStore(store: EventStore): this {
    this.config.eventStore = store;
    return this;
  }

  /** The consumer state store; default a new InMemoryConsumerStateStore. */
  setConsumerStateStore(store: ConsumerStateStore): this {
    this.config.consumerStateStore = store;
    return this;
  }

  /**
   * The message bus the gateways send through and the bundle's handlers are bound to; default an
   * `InProcessMessageBus` of this bundle's own. Give several bundles one bus to let them send each
   * other commands and queries. A command or query name bound by two bundles is a configuration
   * error at start; `stop()` unbinds the bundle but leaves a bus you gave open (close it yourself).
   */
  setMessageBus(bus: MessageBus): this {
    this.config.messageBus = bus;
    return this;
  }

  /**
   * Publishes the event store, in order, through `relay` (a `KafkaEventRelay` from
   * `evento-ts/kafka`, or your own `EventRelay`): the bundle runs it as a consumer like a
   * projector, with a lease (one instance publishes at a time), its offset in the consumer state
   * store, retries and a line in `bundle.consumers()`. Delivery is at least once; see
   * docs/distributed.md. A bundle may hold only relays.
   */
  addEventRelay(relay: EventRelay): this {
    const valid =
      relay !== null &&
      typeof relay === 'object' &&
      typeof relay.publish === 'function' &&
      typeof relay.relays === 'function' &&
      typeof relay.close === 'function';
    if (!valid) {
      throw new ConfigurationError(
        'addEventRelay(relay): pass an EventRelay (name, settings, relays, publish, close), such as new KafkaEventRelay({ client, topic }).',
      );
    }
    if (typeof relay.name !== 'string' || !CONSUMER_NAME_RULE.test(relay.name)) {
      throw new ConfigurationError(
        `addEventRelay: the relay name ${JSON.stringify(relay.name)} cannot name a consumer; use 1 to 100 letters, digits, dots and dashes, starting with a letter or digit.`,
      );
    }
    this.config.relays.push(relay);
    return this;
  }

  /** The tsyringe container components are built from (through a child of it). */
  setContainer(container: DependencyContainer): this {
    this.config.container = container;
    return this;
  }

  /** Times a command is decided again after a conflict with another writer; default 10. */
  setCommandConflictRetries(retries: number): this {
    this.config.commandConflictRetries = checkNumber('setCommandConflictRetries', retries, 0);
    return this;
  }

  /**
   * How many states each aggregate class keeps in memory between commands (least recently used go
   * first), so a command on a recent aggregate reads nothing before its append (a stale state is
   * caught by the append's version check and decided again); 0 turns the cache off. Default 10,000. `@Aggregate({ cacheSize })` overrides it for one class.
   */
  setAggregateCacheSize(entries: number): this {
    this.config.aggregateCacheSize = checkNumber('setAggregateCacheSize', entries, 0);
    return this;
  }

  /**
   * How long `send` and `query` wait for an answer, in milliseconds, unless a call passes its own
   * `{ timeoutMs }`; default 30,000. A call that times out rejects with TimeoutError, but its
   * handler is not stopped and may still complete (a command's events may still be stored): make
   * the retry of a timed-out command safe to repeat.
   */
  setDefaultTimeout(timeoutMs: number): this {
    this.config.defaultTimeoutMs = checkNumber('setDefaultTimeout', timeoutMs, 1);
    return this;
  }

  /**
   * The bundle's version (letters, digits, `.` and `-`, such as `1.4.2`): the message bus announces
   * it with the bundle's instances, and `cluster()` lists it. Default none.
   */
  setBundleVersion(version: string): this {
    this.config.bundleVersion = checkId('setBundleVersion', version);
    return this;
  }

  /**
   * How long `stop()` waits for the commands and queries being handled by this instance to end,
   * in ms (default 10,000); their answers still go out on the bus. What is still running after it
   * gets no answer from here: its caller's deadline ends the wait.
   */
  setStopTimeout(timeoutMs: number): this {
    this.config.stopTimeoutMs = checkNumber('setStopTimeout', timeoutMs, 0);
    return this;
  }

  /** Lease length of consumers in ms (renewed every third of it); default 15,000. */
  setLeaseTtl(ttlMs: number): this {
    this.config.leaseTtlMs = checkNumber('setLeaseTtl', ttlMs, 30);
    return this;
  }

  /**
   * Wraps every handler call of the given component kinds (default all) in `interceptor`: work
   * before and after, the result or the error, or refusing the call. Interceptors run in
   * registration order, the first outermost. `{ eventSourcing: false }` leaves out an aggregate's
   * event sourcing handlers. See docs/architecture.md.
   */
  addHandlerInterceptor(
    interceptor: HandlerInterceptor | HandlerInterceptorFn,
    options: HandlerInterceptorOptions = {},
  ): this {
    this.config.handlerInterceptors.push({
      intercept: handlerInterceptorFn(interceptor),
      components: options.components === undefined ? undefined : [...options.components],
      eventSourcing: options.eventSourcing,
    });
    return this;
  }

  /**
   * Runs `interceptor` on every command and query this bundle's gateways send, in registration
   * order: it may add metadata (`next(extra)`), observe the result, or refuse the message by throwing.
   */
  addDispatchInterceptor(interceptor: DispatchInterceptor | DispatchInterceptorFn): this {
    this.config.dispatchInterceptors.push(interceptor);
    return this;
  }

  /**
   * Traces this bundle's handler calls and sends with `agent` (`OpenTelemetryTracingAgent` from
   * `evento-ts/opentelemetry`, `SentryTracingAgent` from `evento-ts/sentry`, or your own): it runs
   * as the outermost handler and dispatch interceptor. Default none, which costs nothing.
   * See docs/observability.md.
   */
  setTracingAgent(agent: TracingAgent): this {
    if (agent === null || typeof agent !== 'object' || typeof agent.track !== 'function') {
      throw new ConfigurationError(
        'setTracingAgent(agent): pass an object with track(call, next) and activeTraceContext(), such as new OpenTelemetryTracingAgent().',
      );
    }
    this.config.tracingAgent = agent;
    return this;
  }

  /**
   * The metadata keys a command or query sent while handling a message takes over from it (events
   * carry all of their command's keys). Default: correlationId, traceparent, tracestate, baggage,
   * sentry-trace. The correlation id always travels.
   */
  setPropagatedMetadataKeys(keys: readonly string[]): this {
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '')) {
      throw new ConfigurationError(
        `setPropagatedMetadataKeys(${JSON.stringify(keys)}): pass an array of metadata key names (non-empty strings).`,
      );
    }
    this.config.propagatedMetadataKeys = [...new Set(keys)];
    return this;
  }

  /**
   * Collects the bundle's metrics (handler calls, errors and durations; consumer lag, batches,
   * retries and dead events; commands and queries in flight, bus timeouts, conflict retries) into
   * `metrics`, read with `bundle.metrics()`. Use `new PrometheusMetrics()` from `evento-ts/metrics`,
   * one per bundle. Without it nothing is collected and nothing costs. See docs/observability.md.
   */
  setMetrics(metrics: BundleMetrics): this {
    this.config.metrics = metrics;
    return this;
  }

  /**
   * Where failures the framework handles itself are reported (a consumer's handler failing before
   * its retries, a lost lease, a failed snapshot), with where they happened; default console.error.
   */
  onError(handler: (error: unknown, where: ErrorContext) => void): this {
    this.config.onError = handler;
    return this;
  }

  /** The same as {@link onError}. */
  setErrorHandler(handler: (error: unknown, where: ErrorContext) => void): this {
    return this.onError(handler);
  }

  /** Validates the settings and components, starts the bundle, and resolves once it runs. */
  async start(): Promise<EventoBundle> {
    if (this.config.bundleId === '') {
      throw new ConfigurationError(
        "No bundle id: call setBundleId('my-bundle') before start(); it names the bundle's consumers.",
      );
    }
    const { components, basePackages, relays } = this.config;
    if (components.length === 0 && basePackages.length === 0 && relays.length === 0) {
      throw new ConfigurationError(
        `Bundle '${this.config.bundleId}' has no components: pass them with setComponents([...]) or setBasePackage(dir), or add an event relay.`,
      );
    }
    return this.starter({ ...this.config, components: [...components], relays: [...relays] });
  }
}

function checkId(setter: string, value: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw new ConfigurationError(
      `${setter}(${JSON.stringify(value)}): use 1 to 100 letters, digits, dots and dashes, starting with a letter or digit.`,
    );
  }
  return value;
}

function checkNumber(setter: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigurationError(`${setter}(${String(value)}): pass a whole number of at least ${min}.`);
  }
  return value;
}
