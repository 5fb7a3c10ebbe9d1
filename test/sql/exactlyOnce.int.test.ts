/**
 * Exactly-once projections, proven by killing: a worker process runs a projector that writes its
 * read model through the StoreTransaction (so read model and offset commit together), and is
 * SIGKILLed at random moments while it catches up over a few thousand events, then restarted,
 * again and again. In the end the read model must equal the events: no event missing, none applied
 * twice (the ledger's primary key and its incremented counters would show either).
 */
import { randomInt } from 'node:crypto';
import { consumerId, type ConsumerReport } from '../../src';
import { describeWithService } from '../support/services';
import { databases, type SqlDatabase, type Stores } from './databases';
import { appendAccounts, diffLedger, ledgerEvents, NO_DIFFERENCES } from './ledger';
import { ledgerDatabase } from './scopes';
import { WorkerBuild, WorkerProcess, type WorkerConfig } from './workerProcess';

const KILLS = 12;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Transpiled once for both databases, on first use. */
let build: WorkerBuild | undefined;
const workerBuild = (): WorkerBuild => (build ??= WorkerBuild.compile());
afterAll(() => build?.dispose());

for (const target of databases) {
  describeWithService(target.service, target.url)(`exactly-once projections on ${target.service}`, () => {
    let db: SqlDatabase;
    let stores: Stores;
    const suite = ledgerDatabase(target);
    beforeAll(() => ({ db, stores } = suite()));

    it(`a projector SIGKILLed mid-batch ${KILLS} times and restarted leaves a read model equal to the events`, async () => {
      let head = 0;
      const appendMore = async (): Promise<void> => {
        await appendAccounts(stores.eventStore, 50, 49);
        head = await stores.eventStore.headSequence();
      };
      await appendMore();
      const config: WorkerConfig = {
        place: db.place,
        bundleId: 'ledger',
        instanceId: 'worker-1',
        leaseTtlMs: 5000,
        projectors: ['LedgerProjector'],
        delayMs: 0,
        reportApplied: true,
      };
      const id = consumerId('ledger', 'LedgerProjector', 1, '*');
      const offsetNow = async (): Promise<number> => (await stores.stateStore.getConsumer(id))?.offset ?? 0;

      const lives: { offsetBefore: number; lastApplied: number; offsetAfter: number }[] = [];
      let worker: WorkerProcess | undefined;
      let report: ConsumerReport | undefined;
      let errors: string[] = [];
      try {
        while (lives.length < KILLS) {
          const offsetBefore = await offsetNow();
          const current = WorkerProcess.start(workerBuild(), config);
          worker = current;
          await current.until(() => current.lastApplied > 0, 'an applied event');
          await sleep(randomInt(20, 400));
          await current.kill();
          const offsetAfter = await offsetNow();
          lives.push({ offsetBefore, lastApplied: current.lastApplied, offsetAfter });
          // Keep it busy: every kill must land while it works.
          if (offsetAfter >= head) await appendMore();
        }

        const last = WorkerProcess.start(workerBuild(), config);
        worker = last;
        await last.ready();
        await last.idle();
        [report] = await last.report();
        errors = last.errors();
        await last.stop();
      } finally {
        await worker?.kill();
      }

      // Killed with written but uncommitted events in its transaction (mid-batch), most of the time.
      const midBatch = lives.filter((l) => l.lastApplied > l.offsetAfter).length;
      expect(midBatch).toBeGreaterThanOrEqual(KILLS / 2);
      // Some lives committed batches before they were killed.
      expect(lives.filter((l) => l.offsetAfter > l.offsetBefore).length).toBeGreaterThan(0);
      expect(report).toMatchObject({ consumerId: id, offset: head, lag: 0, deadEvents: 0, error: null });
      expect(errors).toEqual([]);
      const expected = await ledgerEvents(stores.eventStore);
      expect(expected.length).toBeGreaterThanOrEqual(2500);
      expect(await diffLedger(db, 'LedgerProjector', expected)).toEqual(NO_DIFFERENCES);
    }, 120_000);
  });
}
