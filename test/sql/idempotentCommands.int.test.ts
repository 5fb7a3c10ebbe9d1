/**
 * Two bundles, each with event stores of its own (separate pools, as two processes would have),
 * receive the same command with the same idempotency key at the same moment, as an
 * at-least-once transport redelivering it would: the event store decides, and the command
 * executes exactly once. Both deliveries resolve to the first execution's event.
 */
import { EventoBundle, IdempotencyKeyConflictError, type EventStore } from '../../src';
import { AccountAggregate, Deposit, Deposited, OpenAccount } from '../domain/bank';
import { describeWithService } from '../support/services';
import { rejectionOf } from '../support/waiting';
import { databases, openStores, type SqlDatabase, type Stores } from './databases';
import { ledgerDatabase } from './scopes';
import { WorkerBuild, WorkerProcess, type WorkerConfig } from './workerProcess';

const ROUNDS = 20;

for (const target of databases) {
  describeWithService(target.service, target.url)(`idempotent commands on ${target.service}`, () => {
    let db: SqlDatabase;
    const stores: Stores[] = [];
    const bundles: EventoBundle[] = [];

    beforeAll(async () => {
      db = await target.create();
      for (const instanceId of ['left', 'right']) {
        const own = await openStores(db.place, { poolSize: 4 });
        stores.push(own);
        bundles.push(
          await EventoBundle.builder()
            .setBundleId('bank')
            .setInstanceId(instanceId)
            .setComponents([AccountAggregate])
            .setEventStore(own.eventStore)
            .setConsumerStateStore(own.stateStore)
            .start(),
        );
      }
    });

    afterAll(async () => {
      for (const bundle of bundles) await bundle.stop();
      for (const own of stores) await own.close();
      await db?.drop();
    });

    const eventStore = (): EventStore => (stores[0] as Stores).eventStore;

    it('one command delivered to two bundles at once with one key executes once', async () => {
      const [left, right] = bundles as [EventoBundle, EventoBundle];
      await left.commandGateway.send(new OpenAccount('acc', 'ann'));
      for (let round = 0; round < ROUNDS; round++) {
        const idempotencyKey = `deposit-${round}`;
        const [a, b] = await Promise.all(
          [left, right].map((bundle) =>
            bundle.commandGateway.send<Deposited>(new Deposit('acc', round + 1), undefined, {
              idempotencyKey,
            }),
          ),
        );
        expect(a).toBeInstanceOf(Deposited);
        expect(b).toEqual(a);
        const recorded = await eventStore().findCommand(idempotencyKey);
        expect(recorded?.events).toHaveLength(1);
      }
      const events = await eventStore().readAggregate('acc');
      // The opening, then one deposit per round, each once.
      expect(events.map((e) => e.aggregateVersion)).toEqual(
        Array.from({ length: ROUNDS + 1 }, (_, i) => i + 1),
      );
      expect(events.slice(1).map((e) => (JSON.parse(e.payload) as { amount: number }).amount)).toEqual(
        Array.from({ length: ROUNDS }, (_, i) => i + 1),
      );
    }, 60_000);

    it('a different command under a used key is refused in the other bundle too', async () => {
      const [left, right] = bundles as [EventoBundle, EventoBundle];
      await left.commandGateway.send(new OpenAccount('acc-2', 'bob'));
      await left.commandGateway.send(new Deposit('acc-2', 10), undefined, { idempotencyKey: 'used' });

      const error = await rejectionOf(
        right.commandGateway.send(new Deposit('acc-2', 11), undefined, { idempotencyKey: 'used' }),
      );
      expect(error).toBeInstanceOf(IdempotencyKeyConflictError);
      expect(error).toMatchObject({
        idempotencyKey: 'used',
        commandName: 'Deposit',
        recordedCommandName: 'Deposit',
      });
      expect(await eventStore().readAggregate('acc-2')).toHaveLength(2);
    });
  });
}

/** Transpiled once for both databases, on first use. */
let build: WorkerBuild | undefined;
const workerBuild = (): WorkerBuild => (build ??= WorkerBuild.compile());
afterAll(() => build?.dispose());

for (const target of databases) {
  describeWithService(target.service, target.url)(
    `idempotent commands across processes on ${target.service}`,
    () => {
      let db: SqlDatabase;
      let stores: Stores;
      const suite = ledgerDatabase(target);
      beforeAll(() => ({ db, stores } = suite()));

      it('two processes delivering the same commands at once execute each exactly once', async () => {
        const DEPOSITS = 30;
        const config = (instanceId: string): WorkerConfig => ({
          place: db.place,
          bundleId: 'bank',
          instanceId,
          leaseTtlMs: 3000,
          projectors: [],
          delayMs: 0,
          reportApplied: false,
        });
        const opener = await EventoBundle.builder()
          .setBundleId('opener')
          .setComponents([AccountAggregate])
          .setEventStore(stores.eventStore)
          .setConsumerStateStore(stores.stateStore)
          .start();
        const workers = [
          WorkerProcess.start(workerBuild(), config('one')),
          WorkerProcess.start(workerBuild(), config('two')),
        ];
        try {
          await opener.commandGateway.send(new OpenAccount('twice', 't'));
          await Promise.all(workers.map((w) => w.ready()));
          // Both processes send deposit k under key `redelivered-k`, as a transport delivering twice would.
          await Promise.all(workers.map((w) => w.deposit('twice', DEPOSITS, 3, 60_000, 'redelivered')));
          const events = await stores.eventStore.readAggregate('twice');
          expect(events.map((e) => e.eventName)).toEqual([
            'AccountOpened',
            ...Array(DEPOSITS).fill('Deposited'),
          ]);
          expect(events.map((e) => e.aggregateVersion)).toEqual(
            Array.from({ length: DEPOSITS + 1 }, (_, i) => i + 1),
          );
        } finally {
          await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
          await opener.stop();
        }
      }, 120_000);
    },
  );
}
