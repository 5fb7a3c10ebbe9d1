import { AggregateState } from '../model/aggregateState';
import { InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import type { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { DomainCommand, DomainEvent } from '../messages/payloads';
import type { ComponentDescriptor } from '../registry/descriptors';
import { AggregateWhen } from './aggregateResult';
import { runAggregateScenario, type AggregateGiven } from './aggregateScenario';
import { readComponent, ResourceSet, type ComponentClass, type FixtureOptions } from './components';
import { Execution } from './expectations';
import { FixtureSetup } from './fixtureSetup';

/**
 * Given-when-then tests for an `@Aggregate`, with no store or bundle:
 *
 * ```ts
 * await AggregateTestFixture.of(AccountAggregate)
 *   .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
 *   .when(new Withdraw('a1', 20))
 *   .expectEvents(new Withdrawn('a1', 20))
 *   .expectState((s: AccountState) => s.balance === 10);
 * ```
 *
 * The aggregate is read by the runtime's own registry (a misdeclared aggregate throws the same
 * ComponentDefinitionError a bundle would) and commands are decided under the runtime's rules.
 * Given and produced events go through serialization as the store would, and after the command
 * the state is rebuilt from the events and compared with the state the command left: a state
 * changed outside an `@EventSourcingHandler` fails the test, naming the field.
 */
export class AggregateTestFixture extends FixtureSetup {
  private readonly givens: AggregateGiven[] = [];
  private noPriorActivity = false;

  private constructor(descriptor: ComponentDescriptor, payloads: PayloadRegistry, resources: ResourceSet) {
    super(descriptor, payloads, resources);
  }

  /**
   * A fixture for the `@Aggregate` class `type`. Throws ComponentDefinitionError when the class is
   * declared in a way the runtime cannot run.
   */
  static of(type: ComponentClass, options: FixtureOptions = {}): AggregateTestFixture {
    const { registry, descriptor } = readComponent(
      'AggregateTestFixture',
      type,
      ['aggregate'],
      options.payloads,
    );
    return new AggregateTestFixture(descriptor, registry.payloads, new ResourceSet(options.resources));
  }

  /** The aggregate's past: these events, applied through its event sourcing handlers. */
  given(...events: readonly DomainEvent[]): this {
    this.checkGivenAllowed('given');
    for (const event of events) this.checkEvent(event);
    this.givens.push({ kind: 'events', events: [...events] });
    return this;
  }

  /** The aggregate's past: the events these commands produce, decided one after another (each must succeed). */
  givenCommands(...commands: readonly DomainCommand[]): this {
    this.checkGivenAllowed('givenCommands');
    for (const command of commands) this.checkCommand(command, 'givenCommands');
    this.givens.push({ kind: 'commands', commands: [...commands] });
    return this;
  }

  /**
   * The aggregate's past: this state, as a snapshot of it would restore it (it is serialized and
   * read back). Events given after it apply on top of it. The aggregate exists from then on.
   */
  givenState(state: AggregateState): this {
    this.checkGivenAllowed('givenState');
    const stateClass = this.descriptor.stateClass;
    if (!(state instanceof AggregateState) || (stateClass !== undefined && !(state instanceof stateClass))) {
      throw new InvalidArgumentError(
        `givenState() takes an instance of ${stateClass?.name ?? 'an AggregateState subclass'} (the state of ${this.descriptor.name}), got ${describe(state)}.`,
      );
    }
    this.givens.push({ kind: 'state', state });
    return this;
  }

  /** Says the aggregate has no past: the command under test must be its init command. */
  givenNoPriorActivity(): this {
    if (this.givens.length > 0) {
      throw new InvalidArgumentError(
        'givenNoPriorActivity() after given events, commands or state: there is prior activity; drop one of the two.',
      );
    }
    this.noPriorActivity = true;
    return this;
  }

  /**
   * The command under test, with optional metadata. Returns the expectations to check; nothing
   * runs until a chain of them is awaited. The fixture can run several `when`s from the same
   * given steps.
   */
  when(command: DomainCommand, metadata?: Metadata | Readonly<Record<string, string>>): AggregateWhen {
    this.checkCommand(command, 'when');
    const scenario = {
      descriptor: this.descriptor,
      payloads: this.payloads,
      resources: this.resources.clone(),
      stubs: [...this.stubs],
      givens: [...this.givens],
      now: this.now,
      command,
      metadata,
    };
    return new AggregateWhen(new Execution(() => runAggregateScenario(scenario)));
  }

  private checkGivenAllowed(method: string): void {
    if (this.noPriorActivity) {
      throw new InvalidArgumentError(
        `${method}() after givenNoPriorActivity(): the fixture was told there is no prior activity; drop one of the two.`,
      );
    }
  }

  private checkEvent(event: unknown): void {
    const handler =
      event instanceof DomainEvent ? this.descriptor.byPayload.get(event.constructor) : undefined;
    if (!(event instanceof DomainEvent)) {
      throw new InvalidArgumentError(`given() takes DomainEvent instances, got ${describe(event)}.`);
    }
    if (handler?.kind !== 'eventSourcing') {
      throw new InvalidArgumentError(
        `given(): ${this.descriptor.name} has no @EventSourcingHandler for ${event.constructor.name}, so ` +
          `${event.constructor.name} cannot be one of its events; add one, or give the events ${this.descriptor.name} produces.`,
      );
    }
  }

  private checkCommand(command: unknown, method: string): void {
    if (!(command instanceof DomainCommand)) {
      throw new InvalidArgumentError(`${method}() takes DomainCommand instances, got ${describe(command)}.`);
    }
    const handler = this.descriptor.byPayload.get(command.constructor);
    if (handler?.kind !== 'aggregateCommand') {
      throw new InvalidArgumentError(
        `${method}(): ${this.descriptor.name} has no @AggregateCommandHandler for ${command.constructor.name}.`,
      );
    }
  }
}
