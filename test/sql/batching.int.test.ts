/**
 * Batching on the database stores (both have atomicWork): a projector fetches `batchSize` events
 * and handles them all in one commit; when a handler fails part-way, the batch's writes roll back
 * and the same events are handled one commit per event, the poison event dead-lettered and the
 * others applied exactly once. Commits are counted by subclasses of the real stores.
 */
import {
  EventHandler,
  EventoBundle,
  Projector,
  PublishedEvent,
  StoreTransaction,
  consumerId,
  type StoredEvent,
} from '../../src';
import { AccountOpened, Deposited } from '../domain/bank';
import { scopeWith } from '../consumers/support';
import { describeWithService } from '../support/services';
import { databases } from './databases';
import { StoreProbe } from './instrumentedStores';
import {
  appendAccounts,
  depositedEvent,
  diffLedger,
  Ledger,
  ledgerEvents,
  LedgerProjector,
  openedEvent,
  diffLedgerWithStore,
  NO_DIFFERENCES,
} from './ledger';
import { ledgerScopes } from './scopes';

/** A ledger projector in batches of 10 whose handlers give up on an event after one retry. */
@Projector({ batchSize: 10 })
class FussyLedgerProjector {
  constructor(private readonly ledger: Ledger) {}

  @EventHandler({ retry: 1, retryDelay: 5 })
  async onOpened(event: AccountOpened, published: PublishedEvent, tx: StoreTransaction): Promise<void> {
    await this.ledger.apply(tx.client, {
      projector: 'FussyLedgerProjector',
      sequenceNumber: published.sequenceNumber,
      accountId: event.accountId,
      amount: 0,
    });
  }

  @EventHandler({ retry: 1, retryDelay: 5 })
  async onDeposited(event: Deposited, published: PublishedEvent, tx: StoreTransaction): Promise<void> {
    await this.ledger.apply(tx.client, {
      projector: 'FussyLedgerProjector',
      sequenceNumber: published.sequenceNumber,
      accountId: event.accountId,
      amount: event.amount,
    });
  }
}

for (const target of databases) {
  describeWithService(target.service, target.url)(`batching on ${target.service}`, () => {
    const scope = ledgerScopes(target);

    it('commits once per batch: 250 events in batches of 100 cost 3 commits', async () => {
      const probe = new StoreProbe();
      const { scoped, stores } = await scope('batches_', probe);
      expect(stores.stateStore.atomicWork).toBe(true);
      await appendAccounts(stores.eventStore, 5, 49);
      const events = await stores.eventStore.readStream({ after: 0, limit: 1000 });
      expect(events).toHaveLength(250);
      const bundle = await EventoBundle.builder()
        .setBundleId('batching')
        .setComponents([LedgerProjector])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(Ledger.on(scoped)))
        .start();
      try {
        await bundle.untilIdle();
        const at = (i: number): number => (events[i] as StoredEvent).sequenceNumber;
        expect(probe.commits).toEqual([
          { offset: at(99), withWork: true, deadEvents: [], ok: true },
          { offset: at(199), withWork: true, deadEvents: [], ok: true },
          { offset: at(249), withWork: true, deadEvents: [], ok: true },
        ]);
        expect(await diffLedgerWithStore(scoped, 'LedgerProjector', stores.eventStore)).toEqual(
          NO_DIFFERENCES,
        );
      } finally {
        await bundle.stop();
      }
    });

    it('a handler failing mid-batch: the batch rolls back, then one commit per event, the poison event dead', async () => {
      const probe = new StoreProbe();
      const { scoped, stores } = await scope('poison_', probe);
      const amounts = [10, 20, 30, 40, 13, 60, 70, 80, 90];
      await stores.eventStore.append({
        aggregateId: 'acc',
        expectedVersion: 0,
        events: [openedEvent('acc'), ...amounts.map((amount) => depositedEvent('acc', amount))],
      });
      const events = await stores.eventStore.readStream({ after: 0, limit: 100 });
      const seq = events.map((e) => e.sequenceNumber);
      const poison = seq[5] as number;
      const last = seq[9] as number;
      const errors: unknown[] = [];
      const bundle = await EventoBundle.builder()
        .setBundleId('batching')
        .setComponents([FussyLedgerProjector])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(Ledger.on(scoped, { poison: (entry) => entry.amount === 13 })))
        .setErrorHandler((error) => errors.push(error))
        .start();
      try {
        await bundle.untilIdle();
        const applied = (n: number) => ({ offset: n, withWork: true, deadEvents: [], ok: true });
        const failed = (n: number) => ({ offset: n, withWork: true, deadEvents: [], ok: false });
        expect(probe.commits).toEqual([
          // The whole batch in one transaction: the poison event's failure rolls all of it back.
          failed(last),
          // Then event by event: the first five applied, one commit each...
          ...seq.slice(0, 5).map(applied),
          // ...the poison event tried, retried once, then dead-lettered (a commit without work)...
          failed(poison),
          failed(poison),
          { offset: poison, withWork: false, deadEvents: [poison], ok: true },
          // ...and the rest applied, one commit each.
          ...seq.slice(6).map(applied),
        ]);
        expect(errors).toHaveLength(2);
        const expected = (await ledgerEvents(stores.eventStore)).filter((e) => e.sequenceNumber !== poison);
        expect(expected).toHaveLength(9);
        expect(await diffLedger(scoped, 'FussyLedgerProjector', expected)).toEqual(NO_DIFFERENCES);
        const id = consumerId('batching', 'FussyLedgerProjector', 1, '*');
        const dead = await bundle.deadEvents(id);
        expect(dead.map((d) => [d.event.sequenceNumber, d.errorName, d.errorMessage])).toEqual([
          [poison, 'PoisonError', `13 is unlucky (event ${poison})`],
        ]);
        expect((await bundle.consumers())[0]).toMatchObject({ offset: last, deadEvents: 1, error: null });
      } finally {
        await bundle.stop();
      }
    });
  });
}
