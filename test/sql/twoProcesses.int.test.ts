/**
 * Two bundle processes on one database: every consumer runs in exactly one of them (leases), and
 * when that process is SIGKILLed the other takes its consumers over once their leases expire,
 * resuming at the committed offset: nothing lost, nothing handled twice, and no event of a consumer
 * handled by the survivor before the victim's lease ran out.
 */
import { consumerId, type ConsumerReport } from '../../src';
import { describeWithService } from '../support/services';
import { eventually, sleep } from '../support/waiting';
import { databases, type SqlDatabase, type Stores } from './databases';
import { appendAccounts, diffLedger, ledgerEvents, ledgerRows } from './ledger';
import { ledgerDatabase } from './scopes';
import { WorkerBuild, WorkerProcess, type WorkerConfig } from './workerProcess';

const LEASE_TTL_MS = 1000;
const PROJECTORS = ['LedgerProjector', 'SecondLedgerProjector'] as const;
const IDS = PROJECTORS.map((name) => consumerId('pair', name, 1, '*'));

/** For each consumer, the workers that say they run it. */
async function runners(workers: readonly WorkerProcess[]): Promise<Map<string, WorkerProcess[]>> {
  const reports = await Promise.all(workers.map(async (w) => [w, await w.report()] as const));
  const result = new Map<string, WorkerProcess[]>(IDS.map((id) => [id, []]));
  for (const [worker, report] of reports)
    for (const consumer of report) if (consumer.running) result.get(consumer.consumerId)?.push(worker);
  return result;
}

function exactlyOne(map: Map<string, WorkerProcess[]>): boolean {
  return [...map.values()].every((list) => list.length === 1);
}

/** Transpiled once for both databases, on first use. */
let build: WorkerBuild | undefined;
const workerBuild = (): WorkerBuild => (build ??= WorkerBuild.compile());
afterAll(() => build?.dispose());

for (const target of databases) {
  describeWithService(target.service, target.url)(`two bundle processes on ${target.service}`, () => {
    let db: SqlDatabase;
    let stores: Stores;
    const suite = ledgerDatabase(target);
    beforeAll(() => ({ db, stores } = suite()));

    it('each consumer runs in one of them; SIGKILL hands it to the other after the lease expires, at the committed offset', async () => {
      await appendAccounts(stores.eventStore, 20, 24);
      const config = (instanceId: string): WorkerConfig => ({
        place: db.place,
        bundleId: 'pair',
        instanceId,
        leaseTtlMs: LEASE_TTL_MS,
        projectors: [...PROJECTORS],
        delayMs: 0,
        reportApplied: false,
      });
      const workers = [
        WorkerProcess.start(workerBuild(), config('alpha')),
        WorkerProcess.start(workerBuild(), config('beta')),
      ];
      let appending = true;
      let appender: Promise<void> = Promise.resolve();
      try {
        await Promise.all(workers.map((w) => w.ready()));
        // Writers keep going all along, so the consumers are at work when their process dies.
        appender = (async () => {
          while (appending) {
            await appendAccounts(stores.eventStore, 2, 9, 1);
            await sleep(20);
          }
        })();

        // Once both have started, every consumer has exactly one runner, and keeps it.
        const deadline = Date.now() + 10_000;
        let owners = await runners(workers);
        while (!exactlyOne(owners)) {
          if (Date.now() > deadline) throw new Error('consumers did not settle on one runner each');
          await sleep(50);
          owners = await runners(workers);
        }
        for (let sample = 0; sample < 3; sample++) {
          await sleep(100);
          const now = await runners(workers);
          expect([...now.entries()].map(([id, list]) => [id, list.map((w) => w.name)])).toEqual(
            [...owners.entries()].map(([id, list]) => [id, list.map((w) => w.name)]),
          );
        }

        const victim = owners.get(IDS[0] as string)?.[0] as WorkerProcess;
        const survivor = workers.find((w) => w !== victim) as WorkerProcess;
        const victimRan = IDS.filter((id) => owners.get(id)?.[0] === victim);
        // Killed once it has handled events of each consumer it runs, so the handover is visible.
        await eventually(
          async () => {
            for (const id of victimRan) {
              const rows = await ledgerRows(db, PROJECTORS[IDS.indexOf(id)] as string);
              if (!rows.some((r) => r.handledBy === victim.name)) return false;
            }
            return true;
          },
          { timeoutMs: 15_000, what: `${victim.name} handling events of each consumer it runs` },
        );
        await victim.kill();
        const killedAt = Date.now();
        // The victim's leases as it left them: nobody may run its consumers before they expire.
        const expiries = new Map<string, Date>();
        for (const id of victimRan) {
          const lease = await stores.stateStore.getLease(id);
          expect(lease?.owner).toBe(`pair:${victim.name}`);
          expiries.set(id, lease?.expiresAt as Date);
        }

        let taken: ConsumerReport[] = [];
        while (!(taken.length === IDS.length && taken.every((c) => c.running))) {
          if (Date.now() - killedAt > 10_000) throw new Error(`no takeover: ${JSON.stringify(taken)}`);
          await sleep(25);
          taken = await survivor.report();
        }
        // Taken over once the leases ran out: at most a ttl (plus a third, the standby's retry) later.
        expect(Date.now() - killedAt).toBeLessThan(LEASE_TTL_MS * 5);

        appending = false;
        await appender;
        const head = await stores.eventStore.headSequence();
        await survivor.idle();
        const reports = await survivor.report();
        await survivor.stop();
        for (const report of reports)
          expect(report).toMatchObject({ running: true, offset: head, lag: 0, deadEvents: 0, error: null });

        const expected = await ledgerEvents(stores.eventStore);
        for (const projector of PROJECTORS) {
          expect({ projector, ...(await diffLedger(db, projector, expected)) }).toEqual({
            projector,
            missing: [],
            extra: [],
            wrongAccounts: [],
          });
        }
        // Who handled what: for a consumer the victim ran, it handled a prefix of the events (up to
        // its last commit) and the survivor the rest, from the next event on, and only after the
        // victim's lease had expired (both times on the database clock).
        for (const id of victimRan) {
          const projector = PROJECTORS[IDS.indexOf(id)] as string;
          const rows = await ledgerRows(db, projector);
          const byVictim = rows.filter((r) => r.handledBy === victim.name);
          const bySurvivor = rows.filter((r) => r.handledBy === survivor.name);
          expect(byVictim.length).toBeGreaterThan(0);
          expect(bySurvivor.length).toBeGreaterThan(0);
          expect(byVictim.length + bySurvivor.length).toBe(rows.length);
          const lastOfVictim = Math.max(...byVictim.map((r) => r.sequenceNumber));
          expect(lastOfVictim).toBeLessThan(Math.min(...bySurvivor.map((r) => r.sequenceNumber)));
          const firstBySurvivor = Math.min(...bySurvivor.map((r) => r.appliedAt.getTime()));
          expect(firstBySurvivor).toBeGreaterThanOrEqual((expiries.get(id) as Date).getTime());
        }
      } finally {
        appending = false;
        await appender;
        for (const worker of workers) await worker.kill();
      }
    }, 60_000);
  });
}
