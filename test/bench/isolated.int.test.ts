/**
 * The benchmark harness's systems in processes of their own (bench/harness/isolated.ts), as the
 * tracing workload runs them outside --smoke: a system set up in a child, prepared and run there
 * over IPC with the child's own CPU time, wall time and peak RSS, then closed; and a child whose
 * system cannot be set up reports why.
 */
import { join } from 'node:path';
import { isolatedSystem } from '../../bench/harness/isolated';
import type { TracedRunArgs } from '../../bench/systems/evento/tracedCommands';

jest.setTimeout(60_000);

const CHILD = join(__dirname, '..', '..', 'bench', 'tracingChild.ts');
const spec = { aggregates: 8, perAggregate: 2, opened: true, order: 'grouped', idPrefix: 'acc-' } as const;
const args = (system: TracedRunArgs['system']): TracedRunArgs => ({
  store: 'memory',
  size: { spec, commands: 40, concurrency: 4 },
  system,
});

describe('isolatedSystem', () => {
  it('runs a system in a child process and reports the child’s figures', async () => {
    const system = await isolatedSystem(
      'evento-ts + Sentry (rate 0)',
      CHILD,
      args('evento-ts + Sentry (rate 0)'),
    );
    try {
      expect(system.system).toBe('evento-ts + Sentry (rate 0)');
      await system.prepare?.({ index: 1, warmup: false });
      const output = await system.run({ index: 1, warmup: false });
      expect(output.ops).toBe(40);
      expect(output.durationMs).toBeGreaterThan(0);
      expect(output.latenciesMs).toHaveLength(40);
      // What the agent sent (nothing at rate 0), then the child's own measurements.
      expect(output.extra).toMatchObject({ envelopes: 0 });
      expect(output.extra?.childCpuMs).toBeGreaterThan(0);
      expect(output.extra?.childWallMs).toBeGreaterThan(0);
      expect(output.extra?.childPeakRssMb).toBeGreaterThan(0);
      // The child's process, not this one: its pid is not ours.
      const again = await system.run({ index: 2, warmup: false });
      expect(again.ops).toBe(40);
    } finally {
      await system.close();
    }
    // Closed: the child is gone, and the proxy says so instead of hanging.
    await expect(system.run({ index: 3, warmup: false })).rejects.toThrow(/exited/);
  });

  it('rejects with the child’s reason when its system cannot be set up', async () => {
    await expect(isolatedSystem('raw', CHILD, args('raw'))).rejects.toThrow(
      /raw failed to set up in its process: .*not a system of the tracing workload/s,
    );
  });
});
