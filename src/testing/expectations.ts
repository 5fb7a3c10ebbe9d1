/**
 * The machinery shared by the fixtures' results: a scenario that runs lazily and once, and chains
 * of expectations that are checked, in order, when the chain is awaited.
 */
import type { Command } from '../messages/payloads';
import { FixtureAssertionError } from './fixtureAssertionError';

/** What every fixture's "when" produces, whatever the component. */
export interface HandlerOutcome {
  /** What ran, for messages: `the command Withdraw`, `TransferSaga handling Withdrawn`. */
  readonly subject: string;
  /** True when the handler (or a rule the runtime applies around it) threw. */
  readonly failed: boolean;
  /** What was thrown, when `failed`. */
  readonly error: unknown;
  /** The commands the handler sent through its CommandGateway, oldest first. */
  readonly dispatchedCommands: readonly Command[];
}

/** Runs a scenario the first time its result is asked for, and remembers the result. */
export class Execution<O> {
  private promise: Promise<O> | undefined;
  /** Where the test set the scenario up (its `when`), for failures no expectation asked for. */
  readonly callSite: string | undefined = callSite();

  constructor(private readonly scenario: () => Promise<O>) {}

  /** The scenario's outcome; rejects when the scenario itself broke (not the handler under test). */
  result(): Promise<O> {
    this.promise ??= this.scenario();
    return this.promise;
  }
}

/** One expectation of a chain. */
export interface Check<O> {
  /** Passes when it returns, fails by throwing (a FixtureAssertionError). */
  readonly verify: (outcome: O) => void | Promise<void>;
  /** True when a failed handler is what this expectation is about (expectException). */
  readonly acceptsFailure: boolean;
  /** Where the test asked for it, so a failure points at the test line. */
  readonly callSite: string | undefined;
}

const here = __dirname;

/** Builds a check, remembering the test line that asked for it. */
export function check<O>(verify: (outcome: O) => void | Promise<void>, acceptsFailure = false): Check<O> {
  return { verify, acceptsFailure, callSite: callSite() };
}

/**
 * Runs the scenario (once) and every check in order; resolves to the outcome when all pass. A
 * handler that threw fails the chain unless one of its checks accepts failure.
 */
export async function verifyChecks<O extends HandlerOutcome>(
  execution: Execution<O>,
  checks: readonly Check<O>[],
): Promise<O> {
  const first = checks[0]?.callSite ?? execution.callSite;
  let outcome: O;
  try {
    outcome = await execution.result();
  } catch (error) {
    throw relocated(error, first);
  }
  if (outcome.failed && !checks.some((c) => c.acceptsFailure)) {
    throw relocated(
      new FixtureAssertionError(
        `${capitalize(outcome.subject)} failed with ${describeError(outcome.error)}\n` +
          `If that is what the test expects, say so with expectException(${errorClassName(outcome.error)}).`,
        { actual: outcome.error, cause: outcome.error },
      ),
      first,
    );
  }
  for (const c of checks) {
    try {
      await c.verify(outcome);
    } catch (error) {
      throw relocated(error, c.callSite);
    }
  }
  return outcome;
}

/** `InsufficientFundsError: "Account a1 has 10, cannot withdraw 20"`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${JSON.stringify(error.message)}`;
  return `a thrown ${typeof error === 'object' && error !== null ? error.constructor.name : typeof error} (${String(error)})`;
}

function errorClassName(error: unknown): string {
  return typeof error === 'object' && error !== null ? error.constructor.name : 'Error';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The stack frames of the caller outside the fixtures' own code. */
function callSite(): string | undefined {
  const stack = new Error().stack;
  if (stack === undefined) return undefined;
  const frames = stack
    .split('\n')
    .slice(1)
    .filter((line) => !line.includes(here));
  return frames.length === 0 ? undefined : frames.join('\n');
}

/** A fixture failure with its stack pointing at the test line; other errors pass unchanged. */
function relocated(error: unknown, site: string | undefined): unknown {
  if (site !== undefined && error instanceof FixtureAssertionError) {
    error.stack = `${error.name}: ${error.message}\n${site}`;
  }
  return error;
}
