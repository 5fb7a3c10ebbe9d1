/** Expectations every fixture offers: on the handler's failure and on the commands it sent. */
import type { Command } from '../../messages/payloads';
import { describeError, type HandlerOutcome } from '../expectations';
import { FixtureAssertionError } from '../fixtureAssertionError';
import { count, countsDiffer, explainListDifference } from './diff';
import { render } from './render';

/** A class of errors to expect; abstract classes and classes with any constructor are accepted. */
export type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * Narrows an expected exception: a string the message must contain, a RegExp it must match, or a
 * predicate that must return true for the error.
 */
export type ErrorExpectation<E> = string | RegExp | ((error: E) => boolean);

/** Fails unless the handler threw an instance of `type` that meets `expectation`. */
export function verifyException<E>(
  outcome: HandlerOutcome,
  type: ErrorClass<E>,
  expectation: ErrorExpectation<E> | undefined,
): void {
  const wanted = `${type.name}${expectation === undefined ? '' : ` whose ${describeExpectation(expectation)}`}`;
  if (!outcome.failed) {
    throw new FixtureAssertionError(
      `expectException: expected ${outcome.subject} to fail with ${wanted}, but it succeeded.`,
      { expected: type },
    );
  }
  const error = outcome.error;
  if (!(error instanceof type)) {
    throw new FixtureAssertionError(
      `expectException: expected ${outcome.subject} to fail with ${wanted}, but it failed with ${describeError(error)}` +
        stackOf(error),
      { expected: type, actual: error, cause: error },
    );
  }
  if (expectation === undefined) return;
  const message = error instanceof Error ? error.message : String(error);
  const met =
    typeof expectation === 'string'
      ? message.includes(expectation)
      : expectation instanceof RegExp
        ? expectation.test(message)
        : expectation(error) === true;
  if (!met) {
    throw new FixtureAssertionError(
      `expectException: ${outcome.subject} failed with ${type.name} as expected, but ` +
        (typeof expectation === 'function'
          ? `the predicate did not return true for it (${describeError(error)}).`
          : `its message does not ${expectation instanceof RegExp ? 'match' : 'contain'} ${typeof expectation === 'string' ? JSON.stringify(expectation) : String(expectation)}: ${JSON.stringify(message)}.`),
      { expected: expectation, actual: error, cause: error },
    );
  }
}

/** Fails when the handler threw. */
export function verifySuccess(outcome: HandlerOutcome): void {
  if (outcome.failed) {
    throw new FixtureAssertionError(
      `expectSuccessfulHandlerExecution: ${outcome.subject} failed with ${describeError(outcome.error)}` +
        stackOf(outcome.error),
      { actual: outcome.error, cause: outcome.error },
    );
  }
}

/** Fails unless the handler sent exactly `expected` (class and fields), in that order. */
export function verifyDispatchedCommands(outcome: HandlerOutcome, expected: readonly Command[]): void {
  const explanation = explainListDifference('command', expected, outcome.dispatchedCommands);
  if (explanation === '') return;
  throw new FixtureAssertionError(
    `expectDispatchedCommands: ${outcome.subject} sent other commands than expected` +
      `${countsDiffer('command', expected.length, outcome.dispatchedCommands.length)}.\n${explanation}`,
    { expected, actual: outcome.dispatchedCommands },
  );
}

/** Fails when the handler sent any command. */
export function verifyNoDispatchedCommands(outcome: HandlerOutcome): void {
  if (outcome.dispatchedCommands.length === 0) return;
  throw new FixtureAssertionError(
    `expectNoDispatchedCommands: ${outcome.subject} sent ${count(outcome.dispatchedCommands.length, 'command')}:\n` +
      outcome.dispatchedCommands.map((c, i) => `  command ${i + 1}: ${render(c)}`).join('\n'),
    { expected: [], actual: outcome.dispatchedCommands },
  );
}

function describeExpectation(expectation: string | RegExp | Function): string {
  if (typeof expectation === 'string') return `message contains ${JSON.stringify(expectation)}`;
  if (expectation instanceof RegExp) return `message matches ${String(expectation)}`;
  return 'error meets the predicate';
}

function stackOf(error: unknown): string {
  if (!(error instanceof Error) || error.stack === undefined) return '';
  const frames = error.stack.split('\n').filter((l) => l.trimStart().startsWith('at '));
  return frames.length === 0 ? '' : `\nThrown at:\n${frames.slice(0, 5).join('\n')}`;
}
