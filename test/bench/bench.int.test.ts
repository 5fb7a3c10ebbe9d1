/**
 * Proves the benchmark harness still works: every workload runs in --smoke mode (the smallest
 * sizes, one run, no warm-up) on every store, each system completes, and the numbers are sane.
 * It never asserts a time or a ratio: those are for `npm run bench` to report.
 */
import 'reflect-metadata';
import { bench, WORKLOADS } from '../../bench/harness/bench';
import { parseArgs } from '../../bench/harness/config';
import { setNamespace } from '../../bench/harness/databases';
import { STORES } from '../../bench/harness/types';
import { describeWithService, MYSQL_URL, PG_URL } from '../support/services';

/**
 * Every workload but `distributed`, whose smoke run starts a domain process per system and joins
 * Kafka consumer groups (minutes on 2 cores); it is type-checked with the rest.
 */
const SMOKED = Object.keys(WORKLOADS).filter((workload) => workload !== 'distributed');

describeWithService('PostgreSQL', PG_URL)('npm run bench -- --smoke', () => {
  describeWithService('MariaDB', MYSQL_URL)('on every store', () => {
    it('runs every workload and every system, with sane numbers', async () => {
      // Databases of its own: a bench run (or another test run) may be going on beside it.
      setNamespace(`evento_bench_ci_${process.pid}`);
      const lines: string[] = [];
      const config = parseArgs(['--smoke', '--no-results', ...SMOKED], Object.keys(WORKLOADS), (line) =>
        lines.push(line),
      );
      const { measurements, table } = await bench(config, 'npm run bench -- --smoke (CI)');

      const failed = measurements.filter((m) => m.error !== undefined);
      expect(failed.map((m) => `${m.workload} [${m.variant}] ${m.store} ${m.system}: ${m.error}`)).toEqual(
        [],
      );
      for (const workload of SMOKED) {
        expect(
          measurements.filter((m) => m.workload === workload || workloadKey(m.workload) === workload).length,
        ).toBeGreaterThan(0);
      }
      expect(new Set(measurements.map((m) => m.store))).toEqual(new Set(STORES));
      expect(new Set(measurements.map((m) => m.system))).toEqual(
        new Set([
          'evento-ts',
          'evento-ts (no cache)',
          'raw',
          'raw-min',
          'emmett',
          'evento-ts + pass-through agent',
          'evento-ts + new-trace agent',
          'evento-ts + Sentry (rate 0)',
          'evento-ts + Sentry (rate 1)',
          'evento-ts + OpenTelemetry',
        ]),
      );
      for (const m of measurements) {
        const where = `${m.workload} [${m.variant}] ${m.store} ${m.system}`;
        expect([where, m.samples.length]).toEqual([where, 1]);
        // Emmett's consumer sometimes stops short of the head in a short catch-up (it is a peer, not
        // ours to assert): its figures are reported; ours and the raw limit's must be sane.
        if (m.system !== 'emmett')
          expect([where, Number.isFinite(m.throughput?.median) && (m.throughput?.median ?? 0) > 0]).toEqual([
            where,
            true,
          ]);
        expect([where, (m.peakRssMb ?? 0) > 0]).toEqual([where, true]);
        if (m.latencyMs !== undefined)
          expect([where, m.latencyMs.p99.median >= m.latencyMs.p50.median]).toEqual([where, true]);
        const delivered = m.extra.deliveredRatio;
        // evento-ts must deliver every event exactly once; Emmett's ratio is reported, not asserted.
        if (delivered !== undefined && m.system === 'evento-ts')
          expect([where, delivered.min]).toEqual([where, 1]);
      }
      expect(table).toContain('| commands |');
    }, 180_000);
  });
});

/** The CLI names of workloads whose table name differs. */
function workloadKey(name: string): string {
  return name === 'long aggregate' ? 'long' : name;
}
