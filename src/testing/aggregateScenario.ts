/**
 * Runs one aggregate scenario the way AggregateRuntime decides a command (load, lifecycle rules,
 * command handler, returned events checked and applied through the event sourcing handlers,
 * append checks), over an in-fixture stream of serialized events instead of a store, with the
 * fixture's clock. After each command it rebuilds the state from the stored events and compares
 * it with the state the command left, to catch state changed outside an @EventSourcingHandler.
 */
import { alreadyInitialized, deleted, notInitialized } from '../aggregate/aggregateErrors';
import { AggregateRuntime } from '../aggregate/aggregateRuntime';
import { AggregateState } from '../aggregate/aggregateState';
import { HandlerReturnError, InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import { eventToAppend } from '../messages/eventRecords';
import { metadataFor } from '../messages/flow';
import { CommandMessage, EventMessage, PublishedEvent } from '../messages/messages';
import { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { DomainEvent, type DomainCommand, type Event } from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import { invoke } from '../registry/invoke';
import type { EventToAppend } from '../stores/eventStore';
import { InMemoryEventStore } from '../stores/inMemoryEventStore';
import { validateAppend } from '../stores/validateAppend';
import { count } from './assertions/diff';
import { differences } from './assertions/equality';
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
      conflictRetries: 0,
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
      aggregateId = this.aggregateIdOf(message);
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
    let events: DomainEvent[];
    let records: EventToAppend[];
    let result: unknown;
    let left: AggregateState | undefined;
    try {
      const init = handler.options.init === true;
      if (loaded.version === 0 && !init) throw notInitialized(handler, aggregateId);
      if (loaded.version > 0 && init) throw alreadyInitialized(handler, aggregateId, loaded.version);
      if (loaded.state?.isDeleted() === true) throw deleted(handler, aggregateId);
      result = await invoke(this.instance, handler, command, {
        commandGateway: this.gateways.commandGateway,
        queryGateway: this.gateways.queryGateway,
        message,
        state: loaded.state,
      });
      events = this.checkEvents(handler, result);
      records = events.map((event) => eventToAppend(event, payloads, message, this.now));
      validateAppend({ aggregateId, expectedVersion: loaded.version, events: records });
      left = loaded.state;
      for (const [i, event] of events.entries()) {
        const eventName = records[i]?.eventName ?? '';
        left = await this.runtime.apply(left, new EventMessage(event, eventName, message.metadata, this.now));
      }
    } catch (error) {
      return { failed: true, error, state: (await this.load()).state };
    }
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
    this.checkStateChanges(handler, command, rebuilt.state, left);
    this.checkSnapshot(rebuilt.state);
    return {
      failed: false,
      events,
      result: Array.isArray(result) ? events : events[0],
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

  /** The command's aggregate id, checked as AggregateRuntime checks it. */
  private aggregateIdOf(message: CommandMessage): string {
    const aggregateId = message.aggregateId;
    if (typeof aggregateId !== 'string' || aggregateId.length === 0) {
      throw new InvalidArgumentError(
        `${message.payloadName}.getAggregateId() returned ${JSON.stringify(aggregateId)}; a domain command needs a non-empty aggregate id.`,
      );
    }
    return aggregateId;
  }

  /** What the command handler returned, as the events to append; the runtime's rules. */
  private checkEvents(handler: HandlerDescriptor, result: unknown): DomainEvent[] {
    const where = `${this.name}.${handler.method}`;
    const events = Array.isArray(result)
      ? (result as unknown[])
      : result === undefined || result === null
        ? []
        : [result];
    if (events.length === 0) {
      throw new HandlerReturnError(
        `${where} returned no event; an @AggregateCommandHandler returns the event (or events) to append, or throws to reject the command.`,
      );
    }
    for (const event of events) {
      if (!(event instanceof DomainEvent)) {
        throw new HandlerReturnError(`${where} returned ${describe(event)}; return DomainEvent instances.`);
      }
      if (!this.scenario.descriptor.byPayload.has(event.constructor)) {
        throw new HandlerReturnError(
          `${where} returned ${event.constructor.name}, which has no @EventSourcingHandler in ${this.name}; add one.`,
        );
      }
    }
    return events as DomainEvent[];
  }

  /** Fails when the state the command left differs from the state its events rebuild. */
  private checkStateChanges(
    handler: HandlerDescriptor,
    command: DomainCommand,
    rebuilt: AggregateState | undefined,
    left: AggregateState | undefined,
  ): void {
    const found = differences(rebuilt, left);
    if (found.length === 0) return;
    throw new FixtureAssertionError(
      `Illegal state change in ${this.name}.${handler.method} (handling ${command.constructor.name}): ` +
        'the state after the command differs from the state rebuilt from the events.\n' +
        found
          .map(
            (d) =>
              `  ${d.path === '' ? 'state' : d.path}: ${d.actual} after the command, ${d.expected} rebuilt from the events`,
          )
          .join('\n') +
        '\nChange the state only in @EventSourcingHandler methods (a command handler decides and returns events; ' +
        'it does not mutate the state it is given), and keep those handlers deterministic.',
      { expected: rebuilt, actual: left },
    );
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

/** True when `value` can be given as an aggregate state. */
export function isAggregateState(value: unknown): value is AggregateState {
  return value instanceof AggregateState;
}
