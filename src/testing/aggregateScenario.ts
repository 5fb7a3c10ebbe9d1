/**
 * Runs one aggregate scenario through AggregateRuntime.execute (lifecycle rules, command handler,
 * returned events checked and applied through the event sourcing handlers) plus the append checks, over an in-fixture stream of serialized events instead of a store, with the
 * fixture's clock. After each command it rebuilds the state from the stored events and compares
 * it with the state the command left, to catch state changed outside an @EventSourcingHandler.
 */
import { HandlingPipeline } from '../handling/handlingPipeline';
import { AggregateRuntime } from '../aggregate/aggregateRuntime';
import type { AggregateState } from '../model/aggregateState';
import { InvalidArgumentError } from '../errors';
import { metadataFor } from '../messages/flow';
import { CommandMessage, PublishedEvent } from '../messages/messages';
import { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { DomainCommand, DomainEvent, Event } from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import type { EventToAppend } from '../stores/eventStore';
import { InMemoryEventStore } from '../stores/inMemoryEventStore';
import { validateAppend } from '../stores/validateAppend';
import { count } from './assertions/diff';
import { aggregateIdOf } from '../aggregate/commandRules';
import type { Decision as RuntimeDecision } from '../aggregate/aggregateRuntime';
import { checkStateChanges } from './aggregateRules';
import type { ResourceSet } from './components';
import { describeError, type HandlerOutcome } from './expectations';
import { FixtureAssertionError } from './fixtureAssertionError';
import { RecordingGateways } from './recordingGateways';
import { serializeChecked } from './roundTrip';

/** One step of an aggregate fixture's "given" phase. */
export type AggregateGiven =
  | { readonly kind: 'events'; readonly events: readonly DomainEvent[] }
  | { readonly kind: 'commands'; readonly commands: readonly DomainCommand[] }
  | { readonly kind: 'state'; readonly state: AggregateState };

/** Everything one aggregate scenario needs, fixed when `when()` is called. */
export interface AggregateScenario {
  readonly descriptor: ComponentDescriptor;
  readonly payloads: PayloadRegistry;
  readonly resources: ResourceSet;
  readonly stubs: readonly ((gateways: RecordingGateways) => void)[];
  readonly givens: readonly AggregateGiven[];
  readonly now: Date | undefined;
  readonly command: DomainCommand;
  readonly metadata: Metadata | Readonly<Record<string, string>> | undefined;
}

/** What the command under test did. */
export interface AggregateOutcome extends HandlerOutcome {
  /** The events the command handler returned (none when it failed). */
  readonly events: readonly DomainEvent[];
  /**
   * The aggregate's state after the command, rebuilt from its events as the next command would
   * load it; when the command failed, the state before it.
   */
  readonly state: AggregateState | undefined;
  /** What `commandGateway.send()` would resolve to: the event, or the events when the handler returned an array. */
  readonly result: unknown;
  /** The aggregate's version after the command. */
  readonly version: number;
}

type Decision =
  | { readonly failed: true; readonly error: unknown; readonly state: AggregateState | undefined }
  | {
      readonly failed: false;
      readonly events: readonly DomainEvent[];
      readonly result: unknown;
      readonly state: AggregateState | undefined;
    };

/** Runs the scenario: the given steps in order, then the command under test. */
export async function runAggregateScenario(scenario: AggregateScenario): Promise<AggregateOutcome> {
  const gateways = new RecordingGateways(scenario.payloads);
  for (const stub of scenario.stubs) stub(gateways);
  const instance = scenario.resources.construct(scenario.descriptor, gateways);
  const run = new AggregateRun(scenario, instance, gateways, scenario.now ?? new Date());
  for (const given of scenario.givens) await run.given(given);
  gateways.clear();
  const decision = await run.decide(scenario.command, scenario.metadata);
  return {
    subject: `the command ${scenario.command.constructor.name}`,
    failed: decision.failed,
    error: decision.failed ? decision.error : undefined,
    dispatchedCommands: gateways.dispatchedCommands,
    events: decision.failed ? [] : decision.events,
    state: decision.state,
    result: decision.failed ? undefined : decision.result,
    version: run.version,
  };
}

/** The stream of the aggregate under test, and the machinery to decide commands on it. */
class AggregateRun {
  private readonly runtime: AggregateRuntime;
  private readonly name: string;
  private aggregateId: string | undefined;
  /** The state given with givenState(), serialized as a snapshot would be, and its version. */
  private baseline: { readonly name: string; readonly json: string; readonly version: number } | undefined;
  private readonly records: EventToAppend[] = [];

  constructor(
    private readonly scenario: AggregateScenario,
    private readonly instance: object,
    private readonly gateways: RecordingGateways,
    private readonly now: Date,
  ) {
    this.name = scenario.descriptor.name;
    this.runtime = new AggregateRuntime(scenario.descriptor, instance, {
      eventStore: new InMemoryEventStore(),
      payloads: scenario.payloads,
      gateways: { commandGateway: gateways.commandGateway, queryGateway: gateways.queryGateway },
      pipeline: new HandlingPipeline(),
      conflictRetries: 0,
      cacheSize: 0,
    });
  }

  get version(): number {
    return (this.baseline?.version ?? 0) + this.records.length;
  }

  async given(step: AggregateGiven): Promise<void> {
    const { payloads } = this.scenario;
    if (step.kind === 'events') {
      for (const [i, event] of step.events.entries()) {
        const eventName = payloads.register(event.constructor as typeof DomainEvent);
        this.records.push({
          eventName,
          context: event.getContext(),
          payload: serializeChecked(payloads, eventName, event, `given(): event ${i + 1} (${eventName})`),
          metadata: metadataFor(undefined).toRecord(),
          createdAt: this.now,
        });
      }
      await this.load();
    } else if (step.kind === 'state') {
      const name = payloads.register(step.state.constructor as typeof AggregateState);
      const json = serializeChecked(payloads, name, step.state, `givenState(): ${name}`);
      this.baseline = { name, json, version: Math.max(1, this.version) };
      this.records.length = 0;
    } else {
      for (const [i, command] of step.commands.entries()) {
        const decision = await this.decide(command, undefined);
        if (decision.failed) {
          throw new FixtureAssertionError(
            `givenCommands(): command ${i + 1} (${command.constructor.name}) failed with ${describeError(decision.error)}; ` +
              'the given commands must succeed.',
            { cause: decision.error },
          );
        }
      }
    }
  }

  /** Decides `command` on the stream as AggregateRuntime would, appending its events on success. */
  async decide(
    command: DomainCommand,
    metadata: Metadata | Readonly<Record<string, string>> | undefined,
  ): Promise<Decision> {
    const { payloads, descriptor } = this.scenario;
    const handler = descriptor.byPayload.get(command.constructor) as HandlerDescriptor;
    const message = new CommandMessage(
      command,
      payloads.nameFor(command.constructor),
      metadataFor(metadata),
      this.now,
    );
    let aggregateId: string | undefined;
    try {
      aggregateId = aggregateIdOf(message);
    } catch (error) {
      return { failed: true, error, state: (await this.load()).state };
    }
    this.aggregateId ??= aggregateId;
    if (aggregateId !== this.aggregateId) {
      throw new InvalidArgumentError(
        `The fixture tests one ${this.name}: ${command.constructor.name} is for '${aggregateId}', ` +
          `but earlier commands were for '${this.aggregateId}'; give every command the same aggregate id.`,
      );
    }
    const loaded = await this.load();
    let decision: RuntimeDecision;
    try {
      decision = await this.runtime.execute(
        message,
        handler,
        aggregateId,
        { ...loaded, snapshotVersion: 0 },
        this.now,
      );
      validateAppend({ aggregateId, expectedVersion: loaded.version, events: decision.records });
    } catch (error) {
      return { failed: true, error, state: (await this.load()).state };
    }
    const { events, records, state: left, result } = decision;
    for (const [i, event] of events.entries()) {
      const record = records[i] as EventToAppend;
      serializeChecked(
        payloads,
        record.eventName,
        event,
        `${this.name}.${handler.method} returned event ${i + 1} (${record.eventName}), which`,
      );
    }
    this.records.push(...records);
    const rebuilt = await this.load();
    checkStateChanges(handler, command, rebuilt.state, left);
    this.checkSnapshot(rebuilt.state);
    return {
      failed: false,
      events,
      result,
      state: rebuilt.state,
    };
  }

  /** The state and version rebuilt from the baseline and the events, each read back from its JSON. */
  private async load(): Promise<{ state: AggregateState | undefined; version: number }> {
    const { payloads } = this.scenario;
    let version = this.baseline?.version ?? 0;
    let state: AggregateState | undefined;
    try {
      if (this.baseline !== undefined) {
        state = payloads.deserialize<AggregateState>(this.baseline.name, this.baseline.json);
      }
      for (const record of this.records) {
        version++;
        const payload = payloads.deserialize<Event>(record.eventName, record.payload);
        const message = new PublishedEvent(
          payload,
          record.eventName,
          new Metadata(record.metadata),
          record.createdAt,
          version,
          this.aggregateId ?? null,
          version,
          record.context,
          record.eventId ?? '',
        );
        state = await this.runtime.apply(state, message);
      }
    } catch (error) {
      throw new FixtureAssertionError(
        `Rebuilding ${this.name} from its events (${count(this.records.length, 'event')}) failed with ${describeError(error)}`,
        { cause: error },
      );
    }
    return { state, version };
  }

  /** With snapshots on, the state must survive serialization as the snapshot does. */
  private checkSnapshot(state: AggregateState | undefined): void {
    const frequency = this.scenario.descriptor.options.snapshotFrequency;
    if (state === undefined || typeof frequency !== 'number' || frequency < 0) return;
    const { payloads } = this.scenario;
    serializeChecked(
      payloads,
      payloads.nameOfInstance(state),
      state,
      `The state of ${this.name} (${state.constructor.name}, snapshotted every ${frequency} events)`,
    );
  }
}
