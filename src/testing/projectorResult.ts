import type { Command } from '../messages/payloads';
import {
  verifyDispatchedCommands,
  verifyException,
  verifyNoDispatchedCommands,
  verifySuccess,
  type ErrorClass,
  type ErrorExpectation,
} from './assertions/checks';
import { check, verifyChecks, type Check, type Execution } from './expectations';
import { FixtureAssertionError } from './fixtureAssertionError';
import type { ProjectorOutcome } from './projectorScenario';

/**
 * What `ProjectorTestFixture.whenPublished()` and `whenReplayedTwice()` return. Await it to run
 * the scenario (once), then assert on the read model with your own query code; it rejects when a
 * handler threw, unless the chain has expectException. The expect methods add checks to the chain.
 */
export class ProjectorExpectations implements PromiseLike<ProjectorOutcome> {
  /** @internal Created by ProjectorTestFixture. */
  constructor(
    private readonly execution: Execution<ProjectorOutcome>,
    private readonly checks: readonly Check<ProjectorOutcome>[] = [],
  ) {}

  /**
   * Checks the read model once the scenario ran, through your own query code: `assertion` throws,
   * or returns (or resolves to) false, to fail.
   */
  expectReadModel(assertion: () => boolean | void | Promise<boolean | void>): ProjectorExpectations {
    return this.next(
      check(async (outcome) => {
        if ((await assertion()) !== false) return;
        throw new FixtureAssertionError(
          `expectReadModel: the assertion returned false after ${outcome.subject}.`,
        );
      }),
    );
  }

  /** Expects the handler to fail with an instance of `type`; `expectation` narrows it as in AggregateTestFixture. */
  expectException<E>(type: ErrorClass<E>, expectation?: ErrorExpectation<E>): ProjectorExpectations {
    return this.next(check((outcome) => verifyException(outcome, type, expectation), true));
  }

  /** Expects the event to be handled without error (what awaiting the result alone also checks). */
  expectSuccessfulHandlerExecution(): ProjectorExpectations {
    return this.next(check(verifySuccess));
  }

  /** Expects the component to have sent exactly these commands while handling the event, in order. */
  expectDispatchedCommands(...expected: readonly Command[]): ProjectorExpectations {
    return this.next(check((outcome) => verifyDispatchedCommands(outcome, expected)));
  }

  /** Expects the component to have sent no command while handling the event. */
  expectNoDispatchedCommands(): ProjectorExpectations {
    return this.next(check(verifyNoDispatchedCommands));
  }

  /** Runs the scenario (once) and checks the expectations in order; resolves to the outcome. */
  then<R1 = ProjectorOutcome, R2 = never>(
    onfulfilled?: ((outcome: ProjectorOutcome) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return verifyChecks(this.execution, this.checks).then(onfulfilled, onrejected);
  }

  /** Runs the chain like `then(undefined, onrejected)`. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<ProjectorOutcome | R> {
    return this.then(undefined, onrejected);
  }

  private next(added: Check<ProjectorOutcome>): ProjectorExpectations {
    return new ProjectorExpectations(this.execution, [...this.checks, added]);
  }
}
