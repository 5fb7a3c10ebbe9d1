/**
 * Runs one saga scenario through the runtime's own SagaProcessor (association lookup, init,
 * state returned or mutated, end) over an InMemoryConsumerStateStore, committing each event's
 * saga changes as the consumer would.
 */
import { HandlingPipeline } from '../handling/handlingPipeline';
import { SagaProcessor } from '../saga/sagaProcessor';
import type { ProcessedEvent, StepContext } from '../consumers/eventProcessor';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import type { SagaState } from '../model/sagaState';
import type { StoredEvent } from '../stores/eventStore';
import { InMemoryConsumerStateStore } from '../stores/inMemoryConsumerStateStore';
import type { ResourceSet } from './components';
import { describeError, type HandlerOutcome } from './expectations';
import { FixtureAssertionError } from './fixtureAssertionError';
import { consumes, FixtureEventStream, type PublishableEvent } from './publishedEvents';
import { RecordingGateways } from './recordingGateways';

/** Everything one saga scenario needs, fixed when `whenPublished()` is called. */
export interface SagaScenario {
  readonly descriptor: ComponentDescriptor;
  readonly payloads: PayloadRegistry;
  readonly resources: ResourceSet;
  readonly stubs: readonly ((gateways: RecordingGateways) => void)[];
  readonly givens: readonly PublishableEvent[];
  readonly now: Date | undefined;
  readonly event: PublishableEvent;
}

/** A live saga instance, as stored. */
export interface SagaInstanceView {
  /** The instance's id. */
  readonly sagaId: string;
  /** Property name to value: the associations events find it by. */
  readonly associations: Readonly<Record<string, string>>;
  /** The state as read back from its JSON. */
  readonly state: SagaState;
}

/** What publishing the event under test did to the saga. */
export interface SagaOutcome extends HandlerOutcome {
  /** The registered name of the event under test. */
  readonly eventName: string;
  /** True when an instance handled the event (an associated one, or a new one started by an init handler). */
  readonly handled: boolean;
  /** True when the instance that handled the event ended. */
  readonly ended: boolean;
  /** The state of the instance that handled the event, as stored after it (undefined when none, or ended). */
  readonly state: SagaState | undefined;
  /** The live instances after the event. */
  readonly activeSagas: readonly SagaInstanceView[];
}

const owner = 'saga-test-fixture';

/** Runs the scenario: the given events in order, then the event under test. */
export async function runSagaScenario(scenario: SagaScenario): Promise<SagaOutcome> {
  const { descriptor, payloads } = scenario;
  const gateways = new RecordingGateways(payloads);
  for (const stub of scenario.stubs) stub(gateways);
  const instance = scenario.resources.construct(descriptor, gateways);
  const consumer = await SagaConsumer.start(descriptor, instance, payloads, gateways);
  const stream = new FixtureEventStream(payloads);
  const now = scenario.now ?? new Date();
  for (const [i, given] of scenario.givens.entries()) {
    const stored = stream.store(given, now, `givenPublished(): event ${i + 1}`);
    try {
      await consumer.handle(stored);
    } catch (error) {
      throw new FixtureAssertionError(
        `givenPublished(): event ${i + 1} (${stored.eventName}) failed in ${descriptor.name} with ${describeError(error)}; ` +
          'the given events must be handled without error.',
        { cause: error },
      );
    }
  }
  gateways.clear();
  const stored = stream.store(scenario.event, now, 'whenPublished()');
  const subject = `${descriptor.name} handling ${stored.eventName}`;
  const handled = await consumer.willHandle(stored);
  let processed: ProcessedEvent;
  try {
    processed = await consumer.handle(stored);
  } catch (error) {
    return {
      subject,
      eventName: stored.eventName,
      failed: true,
      error,
      dispatchedCommands: gateways.dispatchedCommands,
      handled,
      ended: false,
      state: undefined,
      activeSagas: await consumer.instances(),
    };
  }
  const upsert = processed.sagaUpserts[0];
  return {
    subject,
    eventName: stored.eventName,
    failed: false,
    error: undefined,
    dispatchedCommands: gateways.dispatchedCommands,
    handled,
    ended: handled && upsert === undefined,
    state: upsert === undefined ? undefined : payloads.deserialize<SagaState>(upsert.stateName, upsert.state),
    activeSagas: await consumer.instances(),
  };
}

/** The saga as its consumer runs it: the processor, and the store it commits to. */
class SagaConsumer {
  private version = 0;

  private constructor(
    private readonly descriptor: ComponentDescriptor,
    private readonly payloads: PayloadRegistry,
    private readonly processor: SagaProcessor,
    private readonly store: InMemoryConsumerStateStore,
    private readonly consumerId: string,
  ) {
    this.step = { consumerId, attempt: 1, lastAttempt: true, headReached: true, transaction: undefined };
  }

  private readonly step: StepContext;

  static async start(
    descriptor: ComponentDescriptor,
    instance: object,
    payloads: PayloadRegistry,
    gateways: RecordingGateways,
  ): Promise<SagaConsumer> {
    const store = new InMemoryConsumerStateStore();
    const processor = new SagaProcessor(
      descriptor,
      instance,
      {
        payloads,
        gateways: { commandGateway: gateways.commandGateway, queryGateway: gateways.queryGateway },
        pipeline: new HandlingPipeline(),
      },
      store,
    );
    const consumerId = `fixture:${descriptor.name}`;
    await store.ensureConsumer(consumerId, 0);
    await store.acquireLease(consumerId, owner, 24 * 60 * 60 * 1000);
    return new SagaConsumer(descriptor, payloads, processor, store, consumerId);
  }

  /** Handles `stored` when the saga reads its context and has a handler for it, and commits what changed. */
  async handle(stored: StoredEvent): Promise<ProcessedEvent> {
    const relevant = this.reads(stored);
    const processed = relevant
      ? await this.processor.process(stored, this.step)
      : { sagaUpserts: [], sagaDeletes: [] };
    const state = await this.store.commit({
      consumerId: this.consumerId,
      owner,
      expectedVersion: this.version,
      offset: stored.sequenceNumber,
      sagaUpserts: processed.sagaUpserts,
      sagaDeletes: processed.sagaDeletes,
    });
    this.version = state.version;
    return processed;
  }

  /** Whether an instance will handle `stored`: an associated one, or a new one from an init handler. */
  async willHandle(stored: StoredEvent): Promise<boolean> {
    if (!this.reads(stored)) return false;
    const payload = this.payloads.deserialize<Record<string, unknown>>(stored.eventName, stored.payload);
    const handler = this.descriptor.byPayload.get((payload as object).constructor);
    if (handler === undefined) return false;
    const property = handler.options.associationProperty as string;
    const raw = payload[property];
    if (raw === undefined || raw === null || typeof raw === 'object') return false;
    if (handler.options.init === true) return true;
    const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
    return (await this.store.findSagaInstance(this.descriptor.name, property, value)) !== undefined;
  }

  /** The live instances. */
  async instances(): Promise<SagaInstanceView[]> {
    const stored = await this.store.listSagaInstances(this.descriptor.name);
    return stored.map((s) => ({
      sagaId: s.sagaId,
      associations: s.associations,
      state: this.payloads.deserialize<SagaState>(s.stateName, s.state),
    }));
  }

  private reads(stored: StoredEvent): boolean {
    return (
      consumes(this.descriptor.options.contexts, stored.context) && this.processor.handles(stored.eventName)
    );
  }
}
