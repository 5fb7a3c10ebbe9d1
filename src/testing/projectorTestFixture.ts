import { InvalidArgumentError } from '../errors';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import { readComponent, ResourceSet, type ComponentClass, type FixtureOptions } from './components';
import { Execution } from './expectations';
import { FixtureSetup } from './fixtureSetup';
import { ProjectorExpectations } from './projectorResult';
import { runProjectorScenario, type ProjectorWhen } from './projectorScenario';
import { checkEvent, type PublishableEvent } from './publishedEvents';

/** Options of `ProjectorTestFixture.of()`. */
export interface ProjectorFixtureOptions extends FixtureOptions {
  /**
   * What `ProjectorStatus.isHeadReached()` answers in the handlers, for every event of the
   * scenario. Default true (live events); false tests the behaviour during a replay.
   */
  readonly isHeadReached?: boolean;
  /** The `client` of the StoreTransaction injected into handlers (the in-memory store's is undefined). */
  readonly storeTransaction?: unknown;
}

/**
 * Given-when-then tests for a `@Projector` (or an `@Observer`), with no store or bundle:
 *
 * ```ts
 * const model = new AccountReadModel();
 * await ProjectorTestFixture.of(AccountProjector, { resources: [model] })
 *   .given(new AccountOpened('a1', 'ann', openedAt))
 *   .whenPublished(new Deposited('a1', 30));
 * expect(model.accounts.get('a1')?.balance).toBe(30);
 * ```
 *
 * Events run through the runtime's own event processor (with ProjectorStatus and StoreTransaction
 * injected), serialized as the event store would keep them. The read model is yours: give it as
 * a resource, and assert on it with your own query code. Build a new read model (and fixture) per test.
 */
export class ProjectorTestFixture extends FixtureSetup {
  private readonly givens: PublishableEvent[] = [];
  private headReached: boolean;

  private constructor(
    descriptor: ComponentDescriptor,
    payloads: PayloadRegistry,
    resources: ResourceSet,
    private readonly options: ProjectorFixtureOptions,
  ) {
    super(descriptor, payloads, resources);
    this.headReached = options.isHeadReached ?? true;
  }

  /** A fixture for the `@Projector` or `@Observer` class `type`; throws ComponentDefinitionError when it is misdeclared. */
  static of(type: ComponentClass, options: ProjectorFixtureOptions = {}): ProjectorTestFixture {
    const { registry, descriptor } = readComponent(
      'ProjectorTestFixture',
      type,
      ['projector', 'observer'],
      options.payloads,
    );
    return new ProjectorTestFixture(
      descriptor,
      registry.payloads,
      new ResourceSet(options.resources),
      options,
    );
  }

  /**
   * Events published before the one under test, handled in order (each must succeed). Wrap one in
   * `published(event, { aggregateId, metadata, timestamp })` to say how it was published.
   */
  given(...events: readonly PublishableEvent[]): this {
    for (const event of events) checkEvent(event, 'given');
    this.givens.push(...events);
    return this;
  }

  /** Sets what `ProjectorStatus.isHeadReached()` answers (the `isHeadReached` option). */
  givenHeadReached(isHeadReached: boolean): this {
    this.headReached = isHeadReached;
    return this;
  }

  /** Handles the given events, then `event`. Await the result, then check the read model. */
  whenPublished(event: PublishableEvent): ProjectorExpectations {
    checkEvent(event, 'whenPublished');
    return this.run({ kind: 'published', event });
  }

  /**
   * Handles the given events twice, as a consumer that sees them again would, to prove the
   * handlers idempotent: check afterwards that the read model counts each event once. With
   * `readModel` (a function reading the read model through your query code), the fixture also
   * compares what it returns after the first and the second pass, and fails with the difference.
   */
  whenReplayedTwice(readModel?: () => unknown): ProjectorExpectations {
    if (this.givens.length === 0) {
      throw new InvalidArgumentError(
        'whenReplayedTwice() replays the given events; give some with given(...).',
      );
    }
    return this.run({ kind: 'replayedTwice', readModel });
  }

  private run(when: ProjectorWhen): ProjectorExpectations {
    const scenario = {
      descriptor: this.descriptor,
      payloads: this.payloads,
      resources: this.resources.clone(),
      stubs: [...this.stubs],
      givens: [...this.givens],
      now: this.now,
      headReached: this.headReached,
      transaction: this.options.storeTransaction,
      when,
    };
    return new ProjectorExpectations(new Execution(() => runProjectorScenario(scenario)));
  }
}
