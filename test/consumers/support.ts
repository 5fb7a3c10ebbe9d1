import { randomUUID } from 'node:crypto';
import { container, type DependencyContainer } from 'tsyringe';
import { ConcurrencyError, type EventStore } from '../../src';

/** A child container with the given instances registered under their classes. */
export function scopeWith(...instances: object[]): DependencyContainer {
  const scope = container.createChildContainer();
  for (const instance of instances)
    scope.registerInstance(instance.constructor as new () => object, instance);
  return scope;
}

/** Appends `count` bank events over `aggregates` accounts with `writers` concurrent writers, straight to the store. */
export async function appendConcurrently(
  store: EventStore,
  count: number,
  aggregates: number,
  writers: number,
): Promise<void> {
  const ids = Array.from({ length: aggregates }, () => randomUUID());
  const opened = ids.map((id) => ({ aggregateId: id, version: 1 }));
  const event = (name: string, payload: object) => ({
    eventName: name,
    context: 'default',
    payload: JSON.stringify(payload),
    metadata: {},
    createdAt: new Date(),
  });
  for (const id of ids) {
    await store.append({
      aggregateId: id,
      expectedVersion: 0,
      events: [
        event('AccountOpened', { accountId: id, owner: 'o', openedAt: { $date: new Date(0).toISOString() } }),
      ],
    });
  }
  let remaining = count - aggregates;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let turn = w;
      while (remaining > 0) {
        remaining--;
        const target = opened[turn++ % opened.length]!;
        for (;;) {
          try {
            await store.append({
              aggregateId: target.aggregateId,
              expectedVersion: target.version,
              events: [event('Deposited', { accountId: target.aggregateId, amount: 1 })],
            });
            target.version++;
            break;
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
            target.version = error.actualVersion ?? target.version + 1;
          }
        }
        if (turn % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    }),
  );
}
