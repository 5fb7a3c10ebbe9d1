/** The raw limit in the scale workload: RawMemoryStore appends, then a fold over every event. */
import type { ScaleSide } from '../scale';
import { RawMemoryStore } from './memoryStore';

export const rawScale: ScaleSide = async (events, accounts) => {
  const versions = new Array<number>(accounts).fill(0);
  const store = new RawMemoryStore();
  const started = performance.now();
  for (let g = 0; g < events; g++) {
    const n = g % accounts;
    const id = `acc-${n}`;
    store.append(
      id,
      versions[n] ?? 0,
      'Deposited',
      `{"id":"${id}","amount":1,"sentAt":0}`,
      `{"messageId":"m${g}"}`,
    );
    versions[n] = (versions[n] ?? 0) + 1;
  }
  const appendMs = performance.now() - started;
  const catchUpStarted = performance.now();
  const model = new Map<string, number>();
  for (const row of store.events) {
    const e = JSON.parse(row.payload) as { id: string; amount: number };
    model.set(e.id, (model.get(e.id) ?? 0) + e.amount);
  }
  return { appendMs, catchUpMs: performance.now() - catchUpStarted };
};
