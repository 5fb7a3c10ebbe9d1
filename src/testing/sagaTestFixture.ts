import { InvalidArgumentError } from '../errors';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import { readComponent, ResourceSet, type ComponentClass, type FixtureOptions } from './components';
import { Execution } from './expectations';
import { FixtureSetup } from './fixtureSetup';
import { checkEvent, type PublishableEvent } from './publishedEvents';
import { SagaWhen } from './sagaResult';
import { runSagaScenario } from './sagaScenario';

/**
 * Given-when-then tests for a `@Saga`, with no store or bundle:
 *
 * ```ts
 * await SagaTestFixture.of(TransferSaga)
 *   .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
 *   .whenPublished(new Withdrawn('a1', 30, 't1'))
 *   .expectDispatchedCommands(new CreditTransfer('a2', 30, 't1'))
 *   .expectAssociationWith('creditAccount', 'a2');
 * ```
 *
 * Events run through the runtime's own saga processor (association lookup, init handlers, state
 * returned or mutated, end) and an in-memory consumer state store, serialized as the event store
 * would keep them. The saga gets recording gateways: commands it sends are recorded and answer
 * what `onCommand` stubbed.
 */
export class SagaTestFixture extends FixtureSetup {
  private readonly givens: PublishableEvent[] = [];
  private noPriorActivity = false;

  private constructor(descriptor: ComponentDescriptor, payloads: PayloadRegistry, resources: ResourceSet) {
    super(descriptor, payloads, resources);
  }

  /** A fixture for the `@Saga` class `type`; throws ComponentDefinitionError when it is misdeclared. */
  static of(type: ComponentClass, options: FixtureOptions = {}): SagaTestFixture {
    const { registry, descriptor } = readComponent('SagaTestFixture', type, ['saga'], options.payloads);
    return new SagaTestFixture(descriptor, registry.payloads, new ResourceSet(options.resources));
  }

  /**
   * Events published before the one under test, handled in order (each must succeed). Wrap one in
   * `published(event, { aggregateId, metadata, timestamp })` to say how it was published.
   */
  givenPublished(...events: readonly PublishableEvent[]): this {
    if (this.noPriorActivity) {
      throw new InvalidArgumentError(
        'givenPublished() after givenNoPriorActivity(): the fixture was told there is no prior activity; drop one of the two.',
      );
    }
    for (const event of events) checkEvent(event, 'givenPublished');
    this.givens.push(...events);
    return this;
  }

  /** Says nothing was published before: no saga instance exists. */
  givenNoPriorActivity(): this {
    if (this.givens.length > 0) {
      throw new InvalidArgumentError(
        'givenNoPriorActivity() after givenPublished(): there is prior activity; drop one of the two.',
      );
    }
    this.noPriorActivity = true;
    return this;
  }

  /** The event under test. Returns the expectations to check; nothing runs until a chain is awaited. */
  whenPublished(event: PublishableEvent): SagaWhen {
    checkEvent(event, 'whenPublished');
    const scenario = {
      descriptor: this.descriptor,
      payloads: this.payloads,
      resources: this.resources.clone(),
      stubs: [...this.stubs],
      givens: [...this.givens],
      now: this.now,
      event,
    };
    return new SagaWhen(new Execution(() => runSagaScenario(scenario)));
  }
}
