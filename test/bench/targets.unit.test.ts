/**
 * The distributed workload's lines in the targets table: each evento-ts system over Kafka against
 * the 0.5 × in-process target, and the raw Kafka system reported beside them, never as a target.
 */
import { evaluateTargets } from '../../bench/harness/targets';
import type { Measurement, SystemName } from '../../bench/harness/types';

function measured(
  system: SystemName,
  variant: string,
  throughput: number | undefined,
  p99?: number,
): Measurement {
  const range = (v: number) => ({ median: v, min: v, max: v });
  return {
    workload: 'distributed',
    variant,
    store: 'postgres',
    system,
    params: {},
    unit: 'queries/s',
    compare: throughput !== undefined,
    repetitions: 1,
    ...(throughput === undefined ? {} : { throughput: range(throughput) }),
    ...(p99 === undefined ? {} : { latencyMs: { p50: range(p99 / 2), p95: range(p99), p99: range(p99) } }),
    extra: {},
    samples: [],
  };
}

describe('distributed targets', () => {
  const results = [
    measured('evento-ts', 'queries, concurrency 16', 4000),
    measured('evento-ts (kafka ×1)', 'queries, concurrency 16', 1000),
    measured('raw (kafka ×1)', 'queries, concurrency 16', 1250),
    measured('evento-ts', 'commands at 500/s', undefined, 40),
    measured('evento-ts (kafka ×1)', 'commands at 500/s', undefined, 30),
    measured('raw (kafka ×1)', 'commands at 500/s', undefined, 20),
  ];
  const lines = evaluateTargets(results).split('\n');

  it('holds evento-ts over Kafka to its targets', () => {
    expect(lines).toContain(
      '| Distributed [queries, concurrency 16], evento-ts (kafka ×1): ≥ 0.5 × in-process | 0.25× | no |',
    );
    expect(lines).toContain(
      '| Distributed [commands at 500/s], evento-ts (kafka ×1): p99 < 25 ms | 30.0 ms | no |',
    );
  });

  it('reports the raw Kafka system against in-process, and evento-ts over Kafka against it', () => {
    expect(lines).toContain(
      '| Distributed [queries, concurrency 16], raw (kafka ×1) × in-process (reported) | 0.31× | – |',
    );
    expect(lines).toContain(
      '| Distributed [queries, concurrency 16], evento-ts (kafka ×1) × raw (kafka ×1) (reported) | 0.80× | – |',
    );
    expect(lines).toContain(
      '| Distributed [commands at 500/s], raw (kafka ×1) p99 (reported) | 20.0 ms | – |',
    );
  });

  it('never holds the raw Kafka system to a target', () => {
    expect(lines.filter((line) => line.includes('raw (kafka ×1):'))).toEqual([]);
    expect(lines.filter((line) => line.includes('raw') && !line.includes('(reported)'))).toEqual([]);
  });
});
