/**
 * Whole bundles on each database: the order-and-completeness scenario of the in-memory consumer
 * tests (8 concurrent writers while a projector consumes), a saga flow (TransferSaga) end to end,
 * untilIdle() directly after start(), and two processes commanding one aggregate through their
 * aggregate caches (a stale cached state is caught by the append's version check).
 */
import { randomInt } from 'node:crypto';
import { EventoBundle, type EventStore } from '../../src';
import {
  AccountAggregate,
  AccountReadModel,
  Deposit,
  InsufficientFundsError,
  OpenAccount,
  Withdraw,
} from '../domain/bank';
import { AccountProjector, StartTransfer, TransferAggregate, TransferSaga } from '../domain/bankConsumers';
import { appendConcurrently, scopeWith } from '../consumers/support';
import { describeWithService } from '../support/services';
import { databases } from './databases';
import { StoreProbe } from './instrumentedStores';
import { appendAccounts, LedgerProjector, diffLedgerWithStore, NO_DIFFERENCES } from './ledger';
import { ledgerScopes } from './scopes';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every stored event's sequence number, in order. */
async function sequenceNumbers(store: EventStore): Promise<number[]> {
  return (await store.readStream({ after: 0, limit: 1_000_000 })).map((e) => e.sequenceNumber);
}

for (const target of databases) {
  describeWithService(target.service, target.url)(`bundles on ${target.service}`, () => {
    /** Stores and a ledger on a table prefix of the test's own. */
    const scope = ledgerScopes(target);

    it('handles 2,000 events from 8 concurrent writers exactly once, in sequence order, while they are written', async () => {
      const { scoped, stores, ledger } = await scope('order_');
      const model = new AccountReadModel();
      const bundle = await EventoBundle.builder()
        .setBundleId('bank')
        .setComponents([AccountProjector, LedgerProjector])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(model, ledger))
        .start();
      try {
        await appendConcurrently(stores.eventStore, 2000, 50, 8);
        await bundle.untilIdle();
        const stored = await sequenceNumbers(stores.eventStore);
        expect(stored).toHaveLength(2000);
        // In memory: each event once, in the order of the stream (gaps of rolled back appends skipped).
        expect(model.handled).toEqual(stored);
        // In the database, through the StoreTransaction: the same events, each once.
        expect(await diffLedgerWithStore(scoped, 'LedgerProjector', stores.eventStore)).toEqual(
          NO_DIFFERENCES,
        );
        const reports = await bundle.consumers();
        expect(reports).toHaveLength(2);
        for (const report of reports)
          expect(report).toMatchObject({
            offset: stored[stored.length - 1],
            lag: 0,
            deadEvents: 0,
            error: null,
          });
      } finally {
        await bundle.stop();
      }
    }, 60_000);

    it('runs 20 transfer sagas to their end: each debit and credit once, balances add up, instances gone', async () => {
      const { stores } = await scope('saga_');
      const bundle = await EventoBundle.builder()
        .setBundleId('bank')
        .setComponents([AccountAggregate, TransferAggregate, TransferSaga])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(new AccountReadModel()))
        .start();
      try {
        const accounts = Array.from({ length: 6 }, (_, i) => `acc-${i}`);
        const balances = new Map(accounts.map((id) => [id, 1000]));
        for (const id of accounts) {
          await bundle.commandGateway.send(new OpenAccount(id, 'owner'));
          await bundle.commandGateway.send(new Deposit(id, 1000));
        }
        const transfers = Array.from({ length: 20 }, (_, i) => {
          const from = accounts[i % accounts.length] as string;
          const to = accounts[(i + 1 + randomInt(accounts.length - 1)) % accounts.length] as string;
          const amount = randomInt(1, 50);
          balances.set(from, (balances.get(from) ?? 0) - amount);
          balances.set(to, (balances.get(to) ?? 0) + amount);
          return new StartTransfer(`transfer-${i}`, from, to, amount);
        });
        await Promise.all(transfers.map((t) => bundle.commandGateway.send(t)));

        // Each saga step appends events the next step handles: wait until no instance is left.
        const deadline = Date.now() + 30_000;
        for (;;) {
          await bundle.untilIdle();
          if ((await stores.stateStore.listSagaInstances('TransferSaga')).length === 0) break;
          if (Date.now() > deadline) throw new Error('the sagas did not end within 30 s');
          await sleep(50);
        }

        for (const id of accounts) {
          const events = await stores.eventStore.readAggregate(id);
          let balance = 0;
          for (const event of events) {
            const { amount } = JSON.parse(event.payload) as { amount?: number };
            if (event.eventName === 'Withdrawn') balance -= amount ?? 0;
            else balance += amount ?? 0;
          }
          expect({ id, balance }).toEqual({ id, balance: balances.get(id) });
        }
        const all = await stores.eventStore.readStream({ after: 0, limit: 100_000 });
        for (const transfer of transfers) {
          const steps = all
            .filter(
              (e) => (JSON.parse(e.payload) as { transferId?: string }).transferId === transfer.transferId,
            )
            .map((e) => `${e.eventName}:${e.aggregateId ?? ''}`);
          expect(steps).toEqual([
            `TransferStarted:${transfer.transferId}`,
            `Withdrawn:${transfer.from}`,
            `TransferCredited:${transfer.to}`,
          ]);
        }
        const [report] = await bundle.consumers();
        expect(report).toMatchObject({ kind: 'saga', lag: 0, deadEvents: 0, error: null });
      } finally {
        await bundle.stop();
      }
    }, 60_000);

    it('two processes commanding one aggregate each decide on its stored state in the end, refusing nothing the store allows', async () => {
      const { stores } = await scope('cache_');
      // The same store, counting appends: a decision on a stale cached state costs a refused one.
      let appends = 0;
      const counting = Object.create(stores.eventStore) as EventStore;
      counting.append = (request) => {
        appends++;
        return stores.eventStore.append(request);
      };
      const start = (): Promise<EventoBundle> =>
        EventoBundle.builder()
          .setBundleId('bank')
          .setComponents([AccountAggregate])
          .setEventStore(counting)
          .setConsumerStateStore(stores.stateStore)
          .start();
      const here = await start();
      const there = await start();
      try {
        await here.commandGateway.send(new OpenAccount('acc-1', 'ann'));
        await here.commandGateway.send(new Deposit('acc-1', 100));
        // `here` keeps balance 100 in its cache; `there` withdraws 60 meanwhile.
        await there.commandGateway.send(new Withdraw('acc-1', 60));
        await expect(here.commandGateway.send(new Withdraw('acc-1', 50))).rejects.toBeInstanceOf(
          InsufficientFundsError,
        );
        await here.commandGateway.send(new Withdraw('acc-1', 40));
        await expect(there.commandGateway.send(new Withdraw('acc-1', 1))).rejects.toBeInstanceOf(
          InsufficientFundsError,
        );
        const events = await stores.eventStore.readAggregate('acc-1');
        expect(events.map((e) => [e.eventName, e.aggregateVersion])).toEqual([
          ['AccountOpened', 1],
          ['Deposited', 2],
          ['Withdrawn', 3],
          ['Withdrawn', 4],
        ]);
        // Each process decided once on its stale cached state (refused by the version check), then
        // on the stored state: four appends stored, two refused.
        expect(appends).toBe(6);
      } finally {
        await here.stop();
        await there.stop();
      }
    });

    it('untilIdle() right after start() waits for a projector whose first lease attempt is still under way', async () => {
      const probe = new StoreProbe();
      // A lease call that takes a while: a dying instance's transaction holds the lease row, say.
      probe.beforeAcquireLease = () => sleep(300);
      const { scoped, stores, ledger } = await scope('startidle_', probe);
      await appendAccounts(stores.eventStore, 10, 29);
      const head = await stores.eventStore.headSequence();
      const bundle = await EventoBundle.builder()
        .setBundleId('bank')
        .setComponents([LedgerProjector])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(ledger))
        .start();
      try {
        await bundle.untilIdle();
        const [report] = await bundle.consumers();
        expect(report).toMatchObject({ running: true, offset: head, lag: 0 });
        expect((await diffLedgerWithStore(scoped, 'LedgerProjector', stores.eventStore)).missing).toEqual([]);
      } finally {
        await bundle.stop();
      }
    }, 30_000);

    it('an instance that takes a consumer over waits in untilIdle() until it has caught up', async () => {
      const { scoped, stores, ledger } = await scope('takeover_');
      const start = (instanceId: string): Promise<EventoBundle> =>
        EventoBundle.builder()
          .setBundleId('bank')
          .setInstanceId(instanceId)
          .setComponents([LedgerProjector])
          .setEventStore(stores.eventStore)
          .setConsumerStateStore(stores.stateStore)
          .setContainer(scopeWith(ledger))
          .setLeaseTtl(1000)
          .start();
      const first = await start('first');
      const second = await start('second');
      try {
        // Both race for the lease: wait until one of them runs the consumer.
        const running = async (bundle: EventoBundle): Promise<boolean> =>
          (await bundle.consumers())[0]?.running === true;
        const deadline = Date.now() + 5000;
        let holder: EventoBundle | undefined;
        while (holder === undefined) {
          if (Date.now() > deadline) throw new Error('neither instance took the lease');
          holder = (await running(first)) ? first : (await running(second)) ? second : undefined;
          if (holder === undefined) await sleep(20);
        }
        const standby = holder === first ? second : first;
        await holder.untilIdle();
        // The standby does not run the consumer: it has nothing to wait for.
        await standby.untilIdle();
        expect(await running(standby)).toBe(false);
        await holder.stop();
        while (!(await running(standby))) {
          if (Date.now() > deadline + 5000) throw new Error('the standby did not take the consumer over');
          await sleep(20);
        }
        await appendAccounts(stores.eventStore, 10, 29);
        const head = await stores.eventStore.headSequence();
        await standby.untilIdle();
        expect((await standby.consumers())[0]).toMatchObject({ running: true, offset: head, lag: 0 });
        expect(await diffLedgerWithStore(scoped, 'LedgerProjector', stores.eventStore)).toEqual(
          NO_DIFFERENCES,
        );
      } finally {
        await first.stop();
        await second.stop();
      }
    }, 30_000);

    it('a paused and resumed projector makes untilIdle() wait for it again', async () => {
      const { scoped, stores, ledger } = await scope('pause_');
      const bundle = await EventoBundle.builder()
        .setBundleId('bank')
        .setComponents([LedgerProjector])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(ledger))
        .setLeaseTtl(600)
        .start();
      try {
        const [consumer] = await bundle.consumers();
        const id = consumer?.consumerId ?? '';
        await bundle.setConsumerEnabled(id, false);
        // The runner picks the pause up within a third of the lease: paused, it has nothing to wait for.
        await sleep(400);
        await bundle.untilIdle();
        expect((await bundle.consumers())[0]).toMatchObject({ enabled: false, offset: 0 });
        await bundle.setConsumerEnabled(id, true);
        await appendAccounts(stores.eventStore, 5, 29);
        const resumed = await stores.eventStore.headSequence();
        const deadline = Date.now() + 5000;
        while (((await bundle.consumers())[0]?.offset ?? 0) < resumed) {
          if (Date.now() > deadline) throw new Error('the projector did not resume');
          await sleep(20);
        }
        // Running again: untilIdle() waits for what is appended now.
        await appendAccounts(stores.eventStore, 5, 29);
        await bundle.untilIdle();
        const head = await stores.eventStore.headSequence();
        expect((await bundle.consumers())[0]).toMatchObject({ enabled: true, offset: head, lag: 0 });
        expect(await diffLedgerWithStore(scoped, 'LedgerProjector', stores.eventStore)).toEqual(
          NO_DIFFERENCES,
        );
      } finally {
        await bundle.stop();
      }
    }, 30_000);
  });
}
