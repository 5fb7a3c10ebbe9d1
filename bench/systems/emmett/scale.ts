/** Emmett in the scale workload: in-memory appendToStream (Emmett 0.42 has no in-memory consumer). */
import { getInMemoryEventStore } from '@event-driven-io/emmett';
import type { ScaleSide } from '../scale';
import type { AccountEvent } from './setup';

export const emmettScale: ScaleSide = async (events, accounts) => {
  const versions = new Array<number>(accounts).fill(0);
  const store = getInMemoryEventStore();
  const started = performance.now();
  for (let g = 0; g < events; g++) {
    const n = g % accounts;
    const id = `acc-${n}`;
    const event: AccountEvent = { type: 'Deposited', data: { id, amount: 1, sentAt: 0 } };
    await store.appendToStream(`account-${id}`, [event], {
      expectedStreamVersion: BigInt(versions[n] ?? 0),
    });
    versions[n] = (versions[n] ?? 0) + 1;
  }
  return { appendMs: performance.now() - started, catchUpMs: undefined };
};
