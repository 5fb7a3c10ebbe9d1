/**
 * Writers in processes of their own, with a live consumer in another: three worker processes send
 * deposits to one hot aggregate (and each to an account of its own) at the same time, while a
 * fourth runs the ledger projector. The hot aggregate's versions must come out exactly 1..N with
 * every deposit once (conflicts between processes are retried silently, and counted), and the
 * projector must apply every sequence number exactly once, in order, while they are written.
 */
import { EventoBundle } from '../../src';
import { AccountAggregate, OpenAccount } from '../domain/bank';
import { describeWithService } from '../support/services';
import { databases, type SqlDatabase, type Stores } from './databases';
import { diffLedger, ledgerEvents, NO_DIFFERENCES } from './ledger';
import { ledgerDatabase } from './scopes';
import { WorkerBuild, WorkerProcess, type WorkerConfig } from './workerProcess';

const WRITERS = 3;
const HOT_DEPOSITS = 40;
const OWN_DEPOSITS = 30;

/** Transpiled once for both databases, on first use. */
let build: WorkerBuild | undefined;
const workerBuild = (): WorkerBuild => (build ??= WorkerBuild.compile());
afterAll(() => build?.dispose());

for (const target of databases) {
  describeWithService(target.service, target.url)(
    `writer processes and a consumer process on ${target.service}`,
    () => {
      let db: SqlDatabase;
      let stores: Stores;
      const suite = ledgerDatabase(target);
      beforeAll(() => ({ db, stores } = suite()));

      it(`${WRITERS} processes commanding one aggregate give versions 1..N; a live projector process applies every event once, in order`, async () => {
        const config = (instanceId: string, projectors: string[]): WorkerConfig => ({
          place: db.place,
          bundleId: 'bank',
          instanceId,
          leaseTtlMs: 3000,
          projectors,
          delayMs: 0,
          reportApplied: true,
        });
        const opener = await EventoBundle.builder()
          .setBundleId('opener')
          .setComponents([AccountAggregate])
          .setEventStore(stores.eventStore)
          .setConsumerStateStore(stores.stateStore)
          .start();
        const reader = WorkerProcess.start(workerBuild(), config('reader', ['LedgerProjector']));
        const writers = Array.from({ length: WRITERS }, (_, i) =>
          WorkerProcess.start(workerBuild(), config(`writer-${i}`, [])),
        );
        try {
          await opener.commandGateway.send(new OpenAccount('hot', 'h'));
          for (let i = 0; i < WRITERS; i++)
            await opener.commandGateway.send(new OpenAccount(`own-${i}`, 'o'));
          await Promise.all([reader, ...writers].map((w) => w.ready()));

          const retries = await Promise.all(
            writers.map(async (writer, i) => {
              const [hot] = await Promise.all([
                writer.deposit('hot', HOT_DEPOSITS, 4),
                writer.deposit(`own-${i}`, OWN_DEPOSITS, 2),
              ]);
              return hot.AccountAggregate ?? 0;
            }),
          );
          // The processes did contend for the hot aggregate, and decided again each time.
          expect(retries.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

          const hot = await stores.eventStore.readAggregate('hot');
          expect(hot.map((e) => e.aggregateVersion)).toEqual(
            Array.from({ length: 1 + WRITERS * HOT_DEPOSITS }, (_, i) => i + 1),
          );
          expect(hot.filter((e) => e.eventName === 'Deposited')).toHaveLength(WRITERS * HOT_DEPOSITS);

          await reader.idle();
          const [report] = await reader.report();
          expect(report).toMatchObject({ lag: 0, deadEvents: 0, error: null });
          expect(reader.errors()).toEqual([]);
          const expected = await ledgerEvents(stores.eventStore);
          expect(expected).toHaveLength(1 + WRITERS + WRITERS * (HOT_DEPOSITS + OWN_DEPOSITS));
          // Written once each, in sequence order, as the events were being appended.
          expect(reader.applied).toEqual(expected.map((e) => e.sequenceNumber));
          expect(await diffLedger(db, 'LedgerProjector', expected)).toEqual(NO_DIFFERENCES);
        } finally {
          await opener.stop();
          for (const worker of [reader, ...writers]) await worker.kill();
        }
      }, 120_000);
    },
  );
}
