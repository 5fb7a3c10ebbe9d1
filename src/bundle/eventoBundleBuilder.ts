import type { DependencyContainer } from 'tsyringe';
import type { MessageBus } from '../bus/messageBus';
import { ConfigurationError } from '../errors';
import type { Class } from '../internal/types';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';
import type { BundleConfig } from './bundleConfig';
import { EventoBundle } from './eventoBundle';

const ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;

/** Collects a bundle's settings; `start()` validates them, builds the bundle and starts it. */
export class EventoBundleBuilder {
  private readonly config: BundleConfig = {
    bundleId: '',
    instanceId: undefined,
    components: [],
    basePackages: [],
    payloads: [],
    eventStore: undefined,
    consumerStateStore: undefined,
    messageBus: undefined,
    container: undefined,
    commandConflictRetries: 10,
    aggregateCacheSize: 10_000,
    defaultTimeoutMs: 30_000,
    leaseTtlMs: 15_000,
    onError: (error, where) => console.error(`[evento] ${where}:`, error),
  };

  /** The bundle's name: part of every consumer id, and what the message bus knows it by. Required. */
  setBundleId(bundleId: string): this {
    this.config.bundleId = checkId('setBundleId', bundleId);
    return this;
  }

  /** This process's name among instances of the bundle; default a random UUID. */
  setInstanceId(instanceId: string): this {
    this.config.instanceId = checkId('setInstanceId', instanceId);
    return this;
  }

  /** Adds decorated component classes. */
  setComponents(components: readonly unknown[]): this {
    this.config.components.push(...components);
    return this;
  }

  /** Adds every decorated class exported by the modules under `dir` (imported at start). */
  setBasePackage(dir: string): this {
    this.config.basePackages.push(dir);
    return this;
  }

  /** Registers payload classes no handler of this bundle names (for example, views nested in events). */
  registerPayloads(classes: readonly Class[]): this {
    this.config.payloads.push(...classes);
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

  /** The message bus; default a bus of this bundle's own. Share one to let bundles reach each other. */
  setMessageBus(bus: MessageBus): this {
    this.config.messageBus = bus;
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
   * first), so a command on a recent aggregate reads only the events stored since; 0 turns the
   * cache off. Default 10,000. `@Aggregate({ cacheSize })` overrides it for one class.
   */
  setAggregateCacheSize(entries: number): this {
    this.config.aggregateCacheSize = checkNumber('setAggregateCacheSize', entries, 0);
    return this;
  }

  /** Default timeout of gateway calls in ms; default 30,000. */
  setDefaultTimeout(timeoutMs: number): this {
    this.config.defaultTimeoutMs = checkNumber('setDefaultTimeout', timeoutMs, 1);
    return this;
  }

  /** Lease length of consumers in ms (renewed every third of it); default 15,000. */
  setLeaseTtl(ttlMs: number): this {
    this.config.leaseTtlMs = checkNumber('setLeaseTtl', ttlMs, 30);
    return this;
  }

  /** Where failures the framework handles itself are reported; default console.error. */
  setErrorHandler(onError: (error: unknown, where: string) => void): this {
    this.config.onError = onError;
    return this;
  }

  /** Validates the settings and components, starts the bundle, and resolves once it runs. */
  async start(): Promise<EventoBundle> {
    if (this.config.bundleId === '') {
      throw new ConfigurationError(
        "No bundle id: call setBundleId('my-bundle') before start(); it names the bundle's consumers.",
      );
    }
    if (this.config.components.length === 0 && this.config.basePackages.length === 0) {
      throw new ConfigurationError(
        `Bundle '${this.config.bundleId}' has no components: pass them with setComponents([...]) or setBasePackage(dir).`,
      );
    }
    return EventoBundle.start({ ...this.config, components: [...this.config.components] });
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
