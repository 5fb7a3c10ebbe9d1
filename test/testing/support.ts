import { FixtureAssertionError } from 'evento-ts/testing';

/** The error a fixture chain rejects with; fails the test when the chain passes. */
export async function failureOf(chain: PromiseLike<unknown>): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await chain;
  } catch (error) {
    if (!(error instanceof Error)) throw new Error(`rejected with a non-error: ${String(error)}`);
    return error;
  }
  throw new Error(`expected the fixture chain to fail, but it passed with ${JSON.stringify(outcome)}`);
}

/** The FixtureAssertionError a fixture chain rejects with; fails the test when it passes or rejects otherwise. */
export async function assertionFailureOf(chain: PromiseLike<unknown>): Promise<FixtureAssertionError> {
  const error = await failureOf(chain);
  if (!(error instanceof FixtureAssertionError)) {
    throw new Error(`expected a FixtureAssertionError, got ${error.name}: ${error.message}`);
  }
  return error;
}
