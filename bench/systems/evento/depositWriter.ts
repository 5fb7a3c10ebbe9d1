/** Live writers that send Deposit commands through an evento-ts bundle's command gateway. */
import type { EventoBundle } from '../../../src';
import type { LiveTarget } from '../../harness/live';
import { Deposit, Open } from './domain';

/** Accounts each writer deposits to in turn. */
const ACCOUNTS_PER_WRITER = 10;

/**
 * Opens `writers` × 10 accounts named `<prefix><writer>-<j>` through `bundle`, then returns a
 * write that sends writer w's k-th Deposit to its account k mod 10 (writers never share one).
 */
export async function depositWriter(
  bundle: EventoBundle,
  writers: number,
  prefix: string,
): Promise<LiveTarget['write']> {
  const account = (w: number, k: number): string => `${prefix}${w}-${k % ACCOUNTS_PER_WRITER}`;
  for (let w = 0; w < writers; w++)
    for (let j = 0; j < ACCOUNTS_PER_WRITER; j++) await bundle.commandGateway.send(new Open(account(w, j)));
  return async (w, k, sentAt) => {
    await bundle.commandGateway.send(new Deposit(account(w, k), 1, sentAt));
  };
}
