import type { AggregateState } from '../model/aggregateState';
import type { Command, DomainEvent } from '../messages/payloads';
import type { AggregateOutcome } from './aggregateScenario';
import {
  verifyDispatchedCommands,
  verifyException,
  verifyNoDispatchedCommands,
  verifySuccess,
  type ErrorClass,
  type ErrorExpectation,
} from './assertions/checks';
import { count, countsDiffer, explainListDifference } from './assertions/diff';
import { render } from './assertions/render';
import { check, verifyChecks, type Check, type Execution } from './expectations';
import { FixtureAssertionError } from './fixtureAssertionError';

/** The expectations on the command under test; each returns an awaitable chain of expectations. */
abstract class AggregateChecks {
  protected constructor(
    protected readonly execution: Execution<AggregateOutcome>,
    protected readonly checks: readonly Check<AggregateOutcome>[],
  ) {}

  /**
   * Expects the command to produce exactly these events, in this order: same classes, equal
   * fields (an `undefined` field counts as absent; matchers such as `expect.any(Date)` work).
   */
  expectEvents(...expected: readonly DomainEvent[]): AggregateExpectations {
    return this.next(
      check((outcome) => {
        const explanation = explainListDifference('event', expected, outcome.events);
        if (explanation === '') return;
        throw new FixtureAssertionError(
          `expectEvents: ${outcome.subject} produced other events than expected` +
            `${countsDiffer('event', expected.length, outcome.events.length)}.\n${explanation}`,
          { expected, actual: outcome.events },
        );
      }),
    );
  }

  /** Expects `predicate` to return true for the events the command produced. */
  expectEventsMatching(predicate: (events: readonly DomainEvent[]) => boolean): AggregateExpectations {
    return this.next(
      check((outcome) => {
        const verdict: unknown = predicate(outcome.events);
        if (verdict === true) return;
        throw new FixtureAssertionError(
          `expectEventsMatching: the predicate returned ${render(verdict)} (not true) for the events of ${outcome.subject}:\n` +
            describeEvents(outcome.events),
          { actual: outcome.events },
        );
      }),
    );
  }

  /**
   * Expects nothing to be appended. A successful command always appends at least one event (the
   * runtime rejects a handler that returns none), so this holds when the command was rejected;
   * add expectException to say why.
   */
  expectNoEvents(): AggregateExpectations {
    return this.next(
      check((outcome) => {
        if (outcome.events.length === 0) return;
        throw new FixtureAssertionError(
          `expectNoEvents: ${outcome.subject} produced ${count(outcome.events.length, 'event')}:\n${describeEvents(outcome.events)}`,
          { expected: [], actual: outcome.events },
        );
      }, true),
    );
  }

  /**
   * Expects the command to fail with an instance of `type` (including the runtime's own rules:
   * AggregateNotInitializedError, AggregateDeletedError...). `expectation` narrows it: a string
   * the message contains, a RegExp it matches, or a predicate that returns true for the error.
   */
  expectException<E>(type: ErrorClass<E>, expectation?: ErrorExpectation<E>): AggregateExpectations {
    return this.next(check((outcome) => verifyException(outcome, type, expectation), true));
  }

  /**
   * Checks the aggregate's state after the command, as the next command would load it (the state
   * before it when it failed). `assertion` throws, or returns false, to fail.
   */
  expectState<S extends AggregateState = AggregateState>(
    assertion: (state: S) => boolean | void,
  ): AggregateExpectations {
    return this.next(
      check((outcome) => {
        if (outcome.state === undefined) {
          throw new FixtureAssertionError(
            `expectState: the aggregate has no state after ${outcome.subject} (it was never created).`,
          );
        }
        const verdict: unknown = assertion(outcome.state as S);
        if (verdict !== false) return;
        throw new FixtureAssertionError(
          `expectState: the assertion returned false for the state after ${outcome.subject}:\n  ${render(outcome.state)}`,
          { actual: outcome.state },
        );
      }),
    );
  }

  /** Expects the aggregate to be marked deleted after the command. */
  expectDeleted(): AggregateExpectations {
    return this.next(
      check((outcome) => {
        if (outcome.state?.isDeleted() === true) return;
        throw new FixtureAssertionError(
          `expectDeleted: the aggregate is not marked deleted after ${outcome.subject}; ` +
            'call state.setDeleted(true) in the @EventSourcingHandler of the event that deletes it.\n' +
            `  state: ${render(outcome.state)}`,
          { expected: true, actual: outcome.state },
        );
      }),
    );
  }

  /** Expects the command to succeed (whatever events it produced). */
  expectSuccessfulHandlerExecution(): AggregateExpectations {
    return this.next(check(verifySuccess));
  }

  /** Expects the command handler to have sent exactly these commands through its CommandGateway, in order. */
  expectDispatchedCommands(...expected: readonly Command[]): AggregateExpectations {
    return this.next(check((outcome) => verifyDispatchedCommands(outcome, expected)));
  }

  /** Expects the command handler to have sent no command. */
  expectNoDispatchedCommands(): AggregateExpectations {
    return this.next(check(verifyNoDispatchedCommands));
  }

  private next(added: Check<AggregateOutcome>): AggregateExpectations {
    return new AggregateExpectations(this.execution, [...this.checks, added]);
  }
}

/**
 * What `AggregateTestFixture.when()` returns: ask for expectations on it. The command runs once,
 * when the first chain of expectations is awaited.
 */
export class AggregateWhen extends AggregateChecks {
  /** @internal Created by AggregateTestFixture.when(). */
  constructor(execution: Execution<AggregateOutcome>) {
    super(execution, []);
  }
}

/**
 * A chain of expectations on the command under test. Await it: the command runs (once), then each
 * expectation is checked in order; it rejects with a FixtureAssertionError at the first one that
 * fails, and resolves to the outcome when all hold. A command that throws fails the chain unless
 * it has expectException (or expectNoEvents).
 */
export class AggregateExpectations extends AggregateChecks implements PromiseLike<AggregateOutcome> {
  /** @internal Created by the expect methods. */
  constructor(execution: Execution<AggregateOutcome>, checks: readonly Check<AggregateOutcome>[]) {
    super(execution, checks);
  }

  /** Runs the scenario (once) and checks the expectations in order; resolves to the outcome. */
  then<R1 = AggregateOutcome, R2 = never>(
    onfulfilled?: ((outcome: AggregateOutcome) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return verifyChecks(this.execution, this.checks).then(onfulfilled, onrejected);
  }

  /** Runs the chain like `then(undefined, onrejected)`. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<AggregateOutcome | R> {
    return this.then(undefined, onrejected);
  }
}

function describeEvents(events: readonly DomainEvent[]): string {
  if (events.length === 0) return '  (no events)';
  return events.map((e, i) => `  event ${i + 1}: ${render(e)}`).join('\n');
}
