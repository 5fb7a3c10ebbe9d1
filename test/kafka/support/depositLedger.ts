/**
 * What the event store says about a CommandLoad: each deposit's amount is unique, so an amount
 * stored twice is a command executed twice, and a resolved call whose amount is not stored is a
 * command lost.
 */
import type { EventStore, StoredEvent } from '../../../src';
import type { Call } from './commandLoad';

/** The differences between the calls and the store; every list is empty when all is well. */
export interface DepositVerdict {
  /** Amounts stored more than once. */
  readonly executedTwice: number[];
  /** Amounts of resolved calls that are not stored. */
  readonly lost: number[];
  /** Amounts stored that no call sent, or stored under another account. */
  readonly foreign: number[];
  /** Resolved calls whose answer is not their own deposit. */
  readonly wrongAnswers: number[];
  /** Accounts whose versions are not 1..n. */
  readonly versionGaps: string[];
}

/** The amounts the store holds for `accounts`, in each account's version order. */
export async function storedDeposits(
  eventStore: EventStore,
  accounts: readonly string[],
): Promise<Map<string, number[]>> {
  const stored = new Map<string, number[]>();
  for (const accountId of accounts)
    stored.set(accountId, amountsOf(await eventStore.readAggregate(accountId)));
  return stored;
}

function amountsOf(events: readonly StoredEvent[]): number[] {
  return events
    .filter((e) => e.eventName === 'Deposited')
    .map((e) => (JSON.parse(e.payload) as { amount: number }).amount);
}

/** Compares `calls` with what the store holds for `accounts`. */
export async function judgeDeposits(
  eventStore: EventStore,
  accounts: readonly string[],
  calls: readonly Call[],
): Promise<DepositVerdict> {
  const byAmount = new Map(calls.map((c) => [c.amount, c]));
  const times = new Map<number, number>();
  const foreign: number[] = [];
  const versionGaps: string[] = [];
  for (const accountId of accounts) {
    const events = await eventStore.readAggregate(accountId);
    if (events.some((e, i) => e.aggregateVersion !== i + 1)) versionGaps.push(accountId);
    for (const amount of amountsOf(events)) {
      times.set(amount, (times.get(amount) ?? 0) + 1);
      if (byAmount.get(amount)?.accountId !== accountId) foreign.push(amount);
    }
  }
  const resolved = calls.filter((c) => c.outcome === 'resolved');
  return {
    executedTwice: [...times].filter(([, n]) => n > 1).map(([amount]) => amount),
    lost: resolved.filter((c) => !times.has(c.amount)).map((c) => c.amount),
    foreign,
    wrongAnswers: resolved
      .filter((c) => (c.result as { amount?: unknown } | undefined)?.amount !== c.amount)
      .map((c) => c.amount),
    versionGaps,
  };
}

/** A verdict with nothing wrong. */
export const CLEAN_VERDICT: DepositVerdict = {
  executedTwice: [],
  lost: [],
  foreign: [],
  wrongAnswers: [],
  versionGaps: [],
};
