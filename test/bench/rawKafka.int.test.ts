/**
 * The distributed workload's raw Kafka system (bench/systems/raw/kafka): a domain process reading
 * requests with kafkajs and answering them, against the real broker and PostgreSQL. Every request
 * is answered (a failed answer fails the run), and each command appends exactly one event.
 * It never asserts a time: those are for `npm run bench` to report.
 */
import 'reflect-metadata';
import { dropAll, resetStore, setNamespace } from '../../bench/harness/databases';
import type { RunOutput } from '../../bench/harness/types';
import type { DistributedSize } from '../../bench/systems/evento/distributed/distributedRun';
import { rawKafkaDistributed } from '../../bench/systems/raw/kafka/rawDistributed';
import { describeWithKafka } from '../support/kafka';
import { describeWithService, PG_URL } from '../support/services';

describeWithService('PostgreSQL', PG_URL)('raw (kafka ×1)', () => {
  describeWithKafka()('over the broker', () => {
    // A database of its own (a bench run or another test run may be going on beside it), emptied
    // before each system as the bench does before each case.
    beforeAll(() => setNamespace(`evento_bench_ci_${process.pid}_rk`));
    beforeEach(() => resetStore('postgres'));
    afterAll(() => dropAll(['postgres']));

    it('answers every command once, appending one event each, in order per account', async () => {
      // Two accounts at concurrency 8: batches hold several commands of one account, which must
      // run one after another (a command run beside another of its account fails on its version).
      const out = await runOnce({ accounts: 2, load: { kind: 'commands', count: 40, concurrency: 8 } });
      expect(out.ops).toBe(40);
      expect(out.latenciesMs).toHaveLength(40);
      expect(out.extra).toMatchObject({ acknowledged: 40, appended: 40, appendedRatio: 1 });
    }, 120_000);

    it('answers every query', async () => {
      const out = await runOnce({ accounts: 8, load: { kind: 'queries', count: 40, concurrency: 8 } });
      expect(out.ops).toBe(40);
      expect(out.latenciesMs?.every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    }, 120_000);
  });
});

/** Starts the raw Kafka system, runs `size`'s load once (not a warm-up) and closes it. */
async function runOnce(size: DistributedSize): Promise<RunOutput> {
  const system = await rawKafkaDistributed(size);
  try {
    return await system.run({ index: 1, warmup: false });
  } finally {
    await system.close();
  }
}
