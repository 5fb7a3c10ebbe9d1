import type { Command } from '../messages/payloads';
import type { SagaState } from '../model/sagaState';
import {
  verifyDispatchedCommands,
  verifyException,
  verifyNoDispatchedCommands,
  verifySuccess,
  type ErrorClass,
  type ErrorExpectation,
} from './assertions/checks';
import { count } from './assertions/diff';
import { render } from './assertions/render';
import { check, verifyChecks, type Check, type Execution } from './expectations';
import { FixtureAssertionError } from './fixtureAssertionError';
import type { SagaOutcome } from './sagaScenario';

/** The expectations on the event under test; each returns an awaitable chain of expectations. */
abstract class SagaChecks {
  protected constructor(
    protected readonly execution: Execution<SagaOutcome>,
    protected readonly checks: readonly Check<SagaOutcome>[],
  ) {}

  /** Expects exactly `expected` live saga instances after the event. */
  expectActiveSagas(expected: number): SagaExpectations {
    return this.next(
      check((outcome) => {
        if (outcome.activeSagas.length === expected) return;
        throw new FixtureAssertionError(
          `expectActiveSagas: expected ${count(expected, 'active saga')} after ${outcome.subject}, got ${outcome.activeSagas.length}.\n` +
            describeInstances(outcome),
          { expected, actual: outcome.activeSagas.length },
        );
      }),
    );
  }

  /** Expects a live instance associated with `value` under `key` (an event with that value reaches it). */
  expectAssociationWith(key: string, value: string | number): SagaExpectations {
    return this.next(
      check((outcome) => {
        if (associated(outcome, key, value)) return;
        throw new FixtureAssertionError(
          `expectAssociationWith: no active saga is associated with ${key} = ${JSON.stringify(String(value))} after ${outcome.subject}.\n` +
            describeInstances(outcome),
          { expected: { [key]: String(value) }, actual: outcome.activeSagas.map((s) => s.associations) },
        );
      }),
    );
  }

  /** Expects no live instance associated with `value` under `key`. */
  expectNoAssociationWith(key: string, value: string | number): SagaExpectations {
    return this.next(
      check((outcome) => {
        if (!associated(outcome, key, value)) return;
        throw new FixtureAssertionError(
          `expectNoAssociationWith: an active saga is still associated with ${key} = ${JSON.stringify(String(value))} after ${outcome.subject}.\n` +
            describeInstances(outcome),
          { actual: outcome.activeSagas.map((s) => s.associations) },
        );
      }),
    );
  }

  /** Expects the saga to have sent exactly these commands while handling the event, in order. */
  expectDispatchedCommands(...expected: readonly Command[]): SagaExpectations {
    return this.next(check((outcome) => verifyDispatchedCommands(outcome, expected)));
  }

  /** Expects the saga to have sent no command while handling the event. */
  expectNoDispatchedCommands(): SagaExpectations {
    return this.next(check(verifyNoDispatchedCommands));
  }

  /** Expects the instance that handled the event to have ended (its state deleted). */
  expectEnded(): SagaExpectations {
    return this.next(
      check((outcome) => {
        if (outcome.ended) return;
        throw new FixtureAssertionError(
          outcome.handled
            ? `expectEnded: the saga instance that handled ${outcome.eventName} did not end; call state.setEnded(true) in its handler.\n  state: ${render(outcome.state)}`
            : `expectEnded: no saga instance handled ${outcome.eventName}: no instance is associated with its association value, and its handler does not start one.\n` +
                describeInstances(outcome),
        );
      }),
    );
  }

  /**
   * Checks the state of the instance that handled the event, as stored after it. `assertion`
   * throws, or returns false, to fail.
   */
  expectState<S extends SagaState = SagaState>(assertion: (state: S) => boolean | void): SagaExpectations {
    return this.next(
      check((outcome) => {
        if (outcome.state === undefined) {
          throw new FixtureAssertionError(
            `expectState: no saga instance is left from ${outcome.subject} (${outcome.handled ? 'it ended' : 'no instance handled the event'}).`,
          );
        }
        if (assertion(outcome.state as S) !== false) return;
        throw new FixtureAssertionError(
          `expectState: the assertion returned false for the saga state after ${outcome.subject}:\n  ${render(outcome.state)}`,
          { actual: outcome.state },
        );
      }),
    );
  }

  /** Expects the saga's handler to fail with an instance of `type`; `expectation` narrows it as in AggregateTestFixture. */
  expectException<E>(type: ErrorClass<E>, expectation?: ErrorExpectation<E>): SagaExpectations {
    return this.next(check((outcome) => verifyException(outcome, type, expectation), true));
  }

  /** Expects the saga to handle the event without error (or to ignore it). */
  expectSuccessfulHandlerExecution(): SagaExpectations {
    return this.next(check(verifySuccess));
  }

  private next(added: Check<SagaOutcome>): SagaExpectations {
    return new SagaExpectations(this.execution, [...this.checks, added]);
  }
}

/** What `SagaTestFixture.whenPublished()` returns: ask for expectations on it. */
export class SagaWhen extends SagaChecks {
  /** @internal Created by SagaTestFixture.whenPublished(). */
  constructor(execution: Execution<SagaOutcome>) {
    super(execution, []);
  }
}

/**
 * A chain of expectations on the event under test. Await it: the scenario runs (once), then each
 * expectation is checked in order. A handler that throws fails the chain unless it has expectException.
 */
export class SagaExpectations extends SagaChecks implements PromiseLike<SagaOutcome> {
  /** @internal Created by the expect methods. */
  constructor(execution: Execution<SagaOutcome>, checks: readonly Check<SagaOutcome>[]) {
    super(execution, checks);
  }

  /** Runs the scenario (once) and checks the expectations in order; resolves to the outcome. */
  then<R1 = SagaOutcome, R2 = never>(
    onfulfilled?: ((outcome: SagaOutcome) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return verifyChecks(this.execution, this.checks).then(onfulfilled, onrejected);
  }

  /** Runs the chain like `then(undefined, onrejected)`. */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<SagaOutcome | R> {
    return this.then(undefined, onrejected);
  }
}

function associated(outcome: SagaOutcome, key: string, value: string | number): boolean {
  return outcome.activeSagas.some((s) => s.associations[key] === String(value));
}

function describeInstances(outcome: SagaOutcome): string {
  if (outcome.activeSagas.length === 0) return '  active sagas: none';
  return outcome.activeSagas
    .map((s, i) => `  active saga ${i + 1}: associations ${render(s.associations)}, state ${render(s.state)}`)
    .join('\n');
}
