/**
 * Workload 5, scale: an in-memory store growing from 10^4 to 10^6 events. Each run is a process of
 * its own (scaleChild.ts), so its peak RSS is its own: append throughput (one event per append,
 * 1,000 accounts), then a projector's catch-up over all of them (extra `catchUpPerSec`).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { bySize, type BenchConfig } from '../harness/config';
import type { BenchCase, RunOutput, SystemName, SystemRun } from '../harness/types';
import type { ScaleResult } from '../systems/scale';

export function scaleCases(config: BenchConfig): BenchCase[] {
  if (!config.stores.includes('memory')) return [];
  const sizes = bySize(config, {
    full: [10_000, 100_000, 1_000_000],
    quick: [1000, 10_000],
    smoke: [1000],
  });
  return sizes.map((events): BenchCase => ({
    workload: 'scale',
    variant: `${events.toLocaleString('en-US')} events`,
    store: 'memory',
    unit: 'appends/s',
    warmup: false,
    params: { events, accounts: 1000, eventsPerAppend: 1 },
    systems: (['evento-ts', 'raw', 'emmett'] as const).map((system) => ({
      system,
      create: async () => childSystem(system, events),
    })),
  }));
}

function childSystem(system: SystemName, events: number): SystemRun {
  return {
    system,
    async run(): Promise<RunOutput> {
      const result = await runChild(system, events);
      return {
        ops: events,
        durationMs: result.appendMs,
        extra: {
          ...(result.catchUpMs === undefined ? {} : { catchUpPerSec: (events * 1000) / result.catchUpMs }),
          heapMb: result.heapMb,
          childPeakRssMb: result.peakRssMb,
          childCpuMs: result.cpuMs,
          childWallMs: result.wallMs,
        },
      };
    },
    close: async () => undefined,
  };
}

function runChild(system: string, events: number): Promise<ScaleResult> {
  const script = join(__dirname, '..', 'scaleChild.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', script, system, String(events)],
      { maxBuffer: 1 << 20, timeout: 30 * 60_000 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${system} ${events}: ${error.message} ${stderr.slice(-500)}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ScaleResult);
      },
    );
  });
}
