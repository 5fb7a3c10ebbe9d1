/**
 * Connection loss with consumers running: the stores' connections are killed from the server side
 * (pg_terminate_backend / KILL) again and again while writers append and a projector consumes.
 * Appends succeed or fail with StoreUnavailableError (retriable), the consumer backs off and
 * resumes, and in the end the projector applied every committed event exactly once.
 */
import { randomInt } from 'node:crypto';
import {
  consumerId,
  EventoBundle,
  isTransient,
  StoreUnavailableError,
  type ConsumerReport,
  type EventStore,
} from '../../src';
import { scopeWith } from '../consumers/support';
import { describeWithService } from '../support/services';
import { databases, type SqlDatabase, type Stores } from './databases';
import {
  depositedEvent,
  diffLedger,
  Ledger,
  ledgerEvents,
  LedgerProjector,
  openedEvent,
  type LedgerOptions,
  diffLedgerWithStore,
  NO_DIFFERENCES,
} from './ledger';
import { ledgerScopes } from './scopes';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the bundle's only consumer has handled everything up to the head. */
async function caughtUp(
  bundle: EventoBundle,
  store: EventStore,
  timeoutMs = 30_000,
): Promise<ConsumerReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await bundle.untilIdle();
    const head = await store.headSequence();
    const [report] = await bundle.consumers();
    if (report !== undefined && report.offset >= head) return report;
    if (Date.now() > deadline) throw new Error(`not caught up: ${JSON.stringify(report)}, head ${head}`);
    await sleep(50);
  }
}

for (const target of databases) {
  describeWithService(target.service, target.url)(`connection loss on ${target.service}`, () => {
    /** A table prefix of the test's own: its stores' tables and its ledger. */
    const scope = ledgerScopes(target, { poolSize: 4 });

    async function startBundle(
      scoped: SqlDatabase,
      stores: Stores,
      options: LedgerOptions,
      errors: unknown[],
    ): Promise<EventoBundle> {
      return EventoBundle.builder()
        .setBundleId('ledger')
        .setComponents([LedgerProjector])
        .setEventStore(stores.eventStore)
        .setConsumerStateStore(stores.stateStore)
        .setContainer(scopeWith(Ledger.on(scoped, options)))
        .setLeaseTtl(3000)
        .setErrorHandler((error) => errors.push(error))
        .start();
    }

    it('appends fail retriably or succeed, the projector backs off and resumes, and applies every committed event once', async () => {
      const { scoped, stores } = await scope('storm_');
      const errors: unknown[] = [];
      const bundle = await startBundle(scoped, stores, {}, errors);
      try {
        let writing = true;
        const appends = { ok: 0, unavailable: 0, other: [] as unknown[] };
        const writer = async (w: number): Promise<void> => {
          for (let i = 0; writing; i++) {
            const id = `storm-${w}-${i}`;
            try {
              await stores.eventStore.append({
                aggregateId: id,
                expectedVersion: 0,
                events: [openedEvent(id), depositedEvent(id, randomInt(1, 1001))],
              });
              appends.ok++;
            } catch (error) {
              // A StoreUnavailableError may hide a commit that happened: the check below reads what is stored.
              if (error instanceof StoreUnavailableError) appends.unavailable++;
              else appends.other.push(error);
              await sleep(10);
            }
          }
        };
        const kills: number[] = [];
        const killer = async (): Promise<void> => {
          for (let k = 0; k < 10; k++) {
            await sleep(randomInt(80, 200));
            kills.push(await scoped.killStoreConnections());
          }
          writing = false;
        };
        await Promise.all([writer(0), writer(1), writer(2), killer()]);

        const report = await caughtUp(bundle, stores.eventStore);
        expect(appends.other).toEqual([]);
        expect(appends.ok).toBeGreaterThan(0);
        expect(kills.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
        // The kills were felt: by writers, or by the consumer (which reported and retried).
        expect(appends.unavailable + errors.length).toBeGreaterThan(0);
        // Everything the consumer ran into was a "not now", never a reason to give up on an event.
        expect(errors.filter((error) => !isTransient(error))).toEqual([]);
        expect(report).toMatchObject({ deadEvents: 0, error: null, running: true });
        expect(await diffLedgerWithStore(scoped, 'LedgerProjector', stores.eventStore)).toEqual(
          NO_DIFFERENCES,
        );
      } finally {
        await bundle.stop();
        await stores.close();
      }
    }, 60_000);

    it("a connection killed under a handler's transaction is retried as transient, not dead-lettered", async () => {
      const { scoped, stores } = await scope('handler_');
      // The first kill fails the batch (both events in one transaction), which is then handled event
      // by event: four failures in a row would exhaust the handler's 3 retries were they not transient.
      let killsLeft = 5;
      const errors: unknown[] = [];
      const id = 'killed-under-handler';
      await stores.eventStore.append({
        aggregateId: id,
        expectedVersion: 0,
        events: [openedEvent(id), depositedEvent(id, 5)],
      });
      const bundle = await startBundle(
        scoped,
        stores,
        {
          beforeApply: async (client, entry) => {
            if (entry.amount !== 5 || killsLeft === 0) return;
            killsLeft--;
            // The connection dies between two statements: the driver then fails the next query with
            // an error that has no SQLSTATE (pg: "Client has encountered a connection error...",
            // mysql2: "Can't add new command when connection is in closed state").
            await scoped.killConnectionOf(client);
          },
        },
        errors,
      );
      try {
        const report = await caughtUp(bundle, stores.eventStore);
        expect(killsLeft).toBe(0);
        expect(errors.length).toBeGreaterThanOrEqual(4);
        expect(errors.filter((error) => !isTransient(error))).toEqual([]);
        expect(report).toMatchObject({
          consumerId: consumerId('ledger', 'LedgerProjector', 1, '*'),
          deadEvents: 0,
          error: null,
        });
        const expected = await ledgerEvents(stores.eventStore);
        expect(expected).toHaveLength(2);
        expect(await diffLedger(scoped, 'LedgerProjector', expected)).toEqual(NO_DIFFERENCES);
      } finally {
        await bundle.stop();
        await stores.close();
      }
    }, 30_000);
  });
}
