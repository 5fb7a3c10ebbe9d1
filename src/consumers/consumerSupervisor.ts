import {
  ConfigurationError,
  ConsumerNotFoundError,
  DeadEventNotFoundError,
  UnreadableEventError,
  type ErrorContext,
} from '../errors';
import { publishedEvent, unreadableEvent } from '../messages/eventRecords';
import type { PublishedEvent } from '../messages/messages';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import type { ConsumerErrorState, ConsumerStateStore, DeadEvent } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';
import { consumerId } from './consumerId';
import { ConsumerRunner, type ConsumerRunnerConfig } from './consumerRunner';
import type { EventProcessor } from './eventProcessor';
import type { EventRelay } from './eventRelay';
import { RelayProcessor } from './relayProcessor';

/** What `bundle.consumers()` reports for each consumer. */
export interface ConsumerReport {
  /** The consumer: `bundleId_componentName_version_context`. */
  readonly consumerId: string;
  /** The component's class name. */
  readonly component: string;
  /** Which kind of consumer: a relay is an `EventRelay` added with `addEventRelay`. */
  readonly kind: 'projector' | 'saga' | 'observer' | 'relay';
  /** The event context this consumer reads (one consumer per subscribed context). */
  readonly context: string;
  /** Whether this bundle instance holds the consumer's lease and runs it. */
  readonly running: boolean;
  /** False when paused with `setEnabled`; a paused consumer keeps its offset. */
  readonly enabled: boolean;
  /** The sequence number of the last event the consumer is done with (0: none). */
  readonly offset: number;
  /** Events in the store after the offset (for a context-filtered consumer, an upper bound). */
  readonly lag: number;
  /** The current run of failures, or null when the last event was handled. */
  readonly error: ConsumerErrorState | null;
  /** How many events wait in its dead event queue. */
  readonly deadEvents: number;
}

/**
 * A dead event, with its payload revived; one that cannot be revived is listed all the same, its
 * raw payload in `event.payload` (and raw metadata in `event.unreadableMetadata`), with `readError`.
 */
export interface DeadEventView extends DeadEvent {
  /** The stored event revived as a message (its payload an instance of its class, with metadata and sequence number), or undefined when it cannot be revived (see `readError`). The other fields (`event`, `errorName`, `errorMessage`, `errorStack`, `deadAt`, `retries`) come from the stored dead event. */
  readonly message: PublishedEvent | undefined;
  /** Why the stored event cannot be revived; undefined when it can. */
  readonly readError: UnreadableEventError | undefined;
}

/** Settings the supervisor takes from the bundle. */
export interface SupervisorConfig {
  readonly bundleId: string;
  readonly owner: string;
  readonly leaseTtlMs: number;
  readonly onError: (error: unknown, where: Omit<ErrorContext, 'bundleId'>) => void;
}

/** Creates, starts and stops the bundle's consumers, and answers for them. */
export class ConsumerSupervisor {
  private readonly runners = new Map<string, ConsumerRunner>();
  private readonly relays: EventRelay[] = [];

  constructor(
    private readonly config: SupervisorConfig,
    private readonly eventStore: EventStore,
    private readonly stateStore: ConsumerStateStore,
    private readonly payloads: PayloadRegistry,
  ) {}

  /** Adds the consumers (one per context) of a projector, saga or observer, run by `processor`. */
  add(descriptor: ComponentDescriptor, processor: EventProcessor): void {
    const kind = descriptor.kind;
    if (kind !== 'projector' && kind !== 'saga' && kind !== 'observer') return;
    const options = descriptor.options;
    const version = typeof options.version === 'number' ? options.version : 1;
    const contexts =
      Array.isArray(options.contexts) && options.contexts.length > 0 ? (options.contexts as string[]) : ['*'];
    for (const context of contexts) {
      this.addRunner(
        {
          consumerId: consumerId(this.config.bundleId, descriptor.name, version, context),
          componentName: descriptor.name,
          kind,
          context,
          startFrom:
            options.startFrom === 'beginning' || options.startFrom === 'head'
              ? options.startFrom
              : kind === 'projector'
                ? 'beginning'
                : 'head',
          batchSize:
            typeof options.batchSize === 'number' && options.batchSize > 0 ? options.batchSize : 1000,
          transactional: kind === 'projector',
        },
        processor,
      );
    }
  }

  /** Adds the consumer that publishes the event store through `relay` (all contexts); closes it on stop. */
  addRelay(relay: EventRelay): void {
    const { version, startFrom, batchSize } = relay.settings;
    const id = consumerId(this.config.bundleId, relay.name, version, '*');
    if (this.runners.has(id)) {
      throw new ConfigurationError(
        `Bundle '${this.config.bundleId}' has two consumers named '${relay.name}' (consumer id ${id}); give each event relay a name of its own.`,
        { context: { consumerId: id } },
      );
    }
    const processor = new RelayProcessor(relay, this.payloads);
    const runner = { consumerId: id, componentName: relay.name, kind: 'relay' as const, context: '*' };
    this.addRunner({ ...runner, startFrom, batchSize, transactional: false }, processor);
    this.relays.push(relay);
  }

  private addRunner(
    settings: Omit<ConsumerRunnerConfig, 'owner' | 'leaseTtlMs' | 'onError'>,
    processor: EventProcessor,
  ): void {
    const { owner, leaseTtlMs, onError } = this.config;
    const runner = new ConsumerRunner(
      { ...settings, owner, leaseTtlMs, onError },
      this.eventStore,
      this.stateStore,
      processor,
      settings.context === '*' ? undefined : [settings.context],
    );
    this.runners.set(settings.consumerId, runner);
  }

  /** Starts every consumer; resolves once those asking for it have caught up with the head. */
  async start(waitFor: (runner: ConsumerRunner) => boolean): Promise<void> {
    for (const runner of this.runners.values()) await runner.start();
    await Promise.all([...this.runners.values()].filter(waitFor).map((r) => r.firstHeadReached));
  }

  /** Stops every consumer, then closes the relays (a failure to close is reported, not thrown). */
  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    await Promise.all(
      this.relays.map((relay) =>
        relay
          .close()
          .catch((error: unknown) => this.config.onError(error, { kind: 'consumer', component: relay.name })),
      ),
    );
  }

  /** Resolves when every consumer running here has handled every event up to `head`. */
  async untilCaughtUp(head: number): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.untilCaughtUp(head)));
  }

  ids(): string[] {
    return [...this.runners.keys()];
  }

  async report(): Promise<ConsumerReport[]> {
    const head = await this.eventStore.headSequence();
    return Promise.all(
      [...this.runners.values()].map(async (runner) => {
        const state = await this.stateStore.getConsumer(runner.id);
        const dead = await this.stateStore.listDeadEvents(runner.id);
        const offset = state?.offset ?? 0;
        return {
          consumerId: runner.id,
          component: runner.config.componentName,
          kind: runner.config.kind,
          context: runner.config.context,
          running: runner.running,
          enabled: state?.enabled ?? true,
          offset,
          lag: Math.max(0, head - offset),
          error: state?.error ?? null,
          deadEvents: dead.length,
        };
      }),
    );
  }

  async deadEvents(id: string): Promise<DeadEventView[]> {
    this.runner(id);
    const dead = await this.stateStore.listDeadEvents(id);
    return dead.map((d) => {
      try {
        return { ...d, message: publishedEvent(d.event, this.payloads), readError: undefined };
      } catch (error) {
        const readError = error instanceof UnreadableEventError ? error : unreadableEvent(d.event, error);
        return { ...d, message: undefined, readError };
      }
    });
  }

  async retryDeadEvent(id: string, sequenceNumber: number): Promise<void> {
    const runner = this.runner(id);
    const dead = (await this.stateStore.listDeadEvents(id)).find(
      (d) => d.event.sequenceNumber === sequenceNumber,
    );
    if (dead === undefined) throw deadEventNotFound(id, sequenceNumber);
    await runner.retryDeadEvent(dead);
  }

  async deleteDeadEvent(id: string, sequenceNumber: number): Promise<void> {
    this.runner(id);
    if (!(await this.stateStore.deleteDeadEvent(id, sequenceNumber)))
      throw deadEventNotFound(id, sequenceNumber);
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    const runner = this.runner(id);
    await this.stateStore.setEnabled(id, enabled);
    runner.applyEnabled(enabled);
  }

  private runner(id: string): ConsumerRunner {
    const runner = this.runners.get(id);
    if (runner === undefined) {
      throw new ConsumerNotFoundError(
        `No consumer '${id}' in this bundle (it has: ${this.ids().join(', ') || 'none'}); ids are bundleId_component_version_context, see bundle.consumers().`,
        { context: { consumerId: id } },
      );
    }
    return runner;
  }
}

function deadEventNotFound(id: string, sequenceNumber: number): DeadEventNotFoundError {
  return new DeadEventNotFoundError(
    `Consumer '${id}' has no dead event with sequence number ${sequenceNumber}; list them with bundle.deadEvents('${id}').`,
    { context: { consumerId: id, sequenceNumber } },
  );
}
