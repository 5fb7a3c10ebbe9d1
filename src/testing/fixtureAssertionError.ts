/**
 * Thrown (as a rejection) when a test fixture's expectation is not met, or when the scenario
 * itself breaks a rule the runtime relies on (a payload that does not survive serialization, a
 * state changed outside an `@EventSourcingHandler`). The message says what was expected, what
 * happened, and shows the difference.
 */
export class FixtureAssertionError extends Error {
  /** What the expectation wanted, when it compares values. */
  readonly expected: unknown;
  /** What the fixture observed, when the expectation compares values. */
  readonly actual: unknown;

  constructor(message: string, details: { expected?: unknown; actual?: unknown; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FixtureAssertionError';
    this.expected = details.expected;
    this.actual = details.actual;
  }
}
