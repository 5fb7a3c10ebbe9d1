import { ratio, throughputRatio } from './report';
import { range } from './stats';
import { KAFKA_SYSTEMS, RAW_KAFKA_SYSTEM, type Measurement } from './types';

/** The targets, each with what was measured (the benchmark reports; it does not assert). */
export function evaluateTargets(results: readonly Measurement[]): string {
  const lines = ['| target | measured | met |', '| --- | --- | --- |'];
  const find = (
    workload: string,
    variant: string,
    store: string,
    system = 'evento-ts',
  ): Measurement | undefined =>
    results.find(
      (m) => m.workload === workload && m.variant === variant && m.store === store && m.system === system,
    );
  const add = (
    target: string,
    value: number | undefined,
    text: (v: number) => string,
    met: (v: number) => boolean,
  ): void => {
    if (value === undefined || Number.isNaN(value)) return;
    lines.push(`| ${target} | ${text(value)} | ${met(value) ? 'yes' : 'no'} |`);
  };
  const times = (v: number): string => `${v.toFixed(2)}×`;
  const commands16 = find('commands', 'concurrency 16', 'postgres');
  if (commands16 !== undefined) {
    add(
      'Commands, PostgreSQL, concurrency 16: ≥ 0.8 × raw',
      ratio(results, commands16, 'raw'),
      times,
      (v) => v >= 0.8,
    );
    add(
      'Commands, PostgreSQL, concurrency 16: ≥ 1.5 × Emmett',
      ratio(results, commands16, 'emmett'),
      times,
      (v) => v >= 1.5,
    );
  }
  for (const mode of ['exactly-once', 'plain']) {
    const catchup = find('catch-up', mode, 'postgres');
    if (catchup === undefined) continue;
    add(
      `Catch-up (${mode}), PostgreSQL: ≥ 0.9 × raw`,
      ratio(results, catchup, 'raw'),
      times,
      (v) => v >= 0.9,
    );
    add(
      `Catch-up (${mode}), PostgreSQL: ≥ 2 × Emmett`,
      ratio(results, catchup, 'emmett'),
      times,
      (v) => v >= 2,
    );
  }
  const latency = results.find(
    (m) => m.workload === 'latency' && m.store === 'postgres' && m.system === 'evento-ts',
  );
  add(
    'Latency p99, PostgreSQL, 200 cmd/s: < 50 ms',
    latency?.latencyMs?.p99.median,
    (v) => `${v.toFixed(1)} ms`,
    (v) => v < 50,
  );
  for (const variant of ['concurrency 1', 'concurrency 16']) {
    const memory = find('commands', variant, 'memory');
    if (memory !== undefined)
      add(
        `Commands in memory (${variant}): ≥ 2 × Emmett in memory`,
        ratio(results, memory, 'emmett'),
        times,
        (v) => v >= 2,
      );
  }
  for (const store of ['memory', 'postgres', 'mysql']) {
    const without = find('long aggregate', 'command, no snapshots', store);
    const withSnapshots = find('long aggregate', 'command, snapshots', store);
    if (without?.throughput !== undefined && withSnapshots?.throughput !== undefined)
      add(
        `Command on a 10,000-event aggregate, ${store}: snapshots ≥ 20 × faster`,
        withSnapshots.throughput.median / without.throughput.median,
        times,
        (v) => v >= 20,
      );
  }
  for (const m of results.filter((r) => r.workload === 'distributed' && r.system !== 'evento-ts')) {
    if (m.system === RAW_KAFKA_SYSTEM) {
      reportRawKafka(lines, results, m);
      continue;
    }
    add(
      `Distributed [${m.variant}], ${m.system}: ≥ 0.5 × in-process`,
      throughputRatio(results, m, 'evento-ts'),
      times,
      (v) => v >= 0.5,
    );
    if (m.variant === 'commands at 500/s')
      add(
        `Distributed [${m.variant}], ${m.system}: p99 < 25 ms`,
        m.latencyMs?.p99.median,
        (v) => `${v.toFixed(1)} ms`,
        (v) => v < 25,
      );
  }
  for (const m of results) {
    const appended = m.extra.appendedRatio;
    if (appended !== undefined)
      lines.push(
        `| ${m.workload} [${m.variant}] ${m.store} ${m.system}: events appended / commands acknowledged = 1 | ${appended.median.toFixed(4)} (min ${appended.min.toFixed(4)}, max ${appended.max.toFixed(4)}) | ${appended.min === 1 && appended.max === 1 ? 'yes' : 'no'} |`,
      );
  }
  for (const m of results) {
    if (m.workload !== 'tracing' || m.system === 'evento-ts') continue;
    const value = perRoundRatio(m, find('tracing', m.variant, m.store));
    const label = `Commands with tracing, ${m.store}, ${m.variant}: ${m.system.replace('evento-ts + ', '')}`;
    if (m.system === 'evento-ts + Sentry (rate 0)')
      add(`${label} ≥ 0.95 × no agent`, value, times, (v) => v >= 0.95);
    else if (value !== undefined) lines.push(`| ${label}, × no agent (reported) | ${times(value)} | – |`);
  }
  for (const m of results) {
    const delivered = m.extra.deliveredRatio;
    if (delivered !== undefined && m.system !== 'raw')
      lines.push(
        `| ${m.workload} [${m.variant}] ${m.store} ${m.system}: delivered / appended = 1 | ${delivered.median.toFixed(4)} (min ${delivered.min.toFixed(4)}) | ${delivered.min === 1 && delivered.max === 1 ? 'yes' : 'no'} |`,
      );
  }
  return lines.join('\n');
}

/**
 * The median over rounds of `m`'s throughput divided by `baseline`'s in the same round: the
 * systems of a round run one after the other, so a change of the machine's load between rounds
 * falls on both sides of each ratio.
 */
function perRoundRatio(m: Measurement, baseline: Measurement | undefined): number | undefined {
  if (baseline === undefined) return undefined;
  const ratios = m.samples.flatMap((sample) => {
    const base = baseline.samples.find((b) => b.index === sample.index);
    return base === undefined || base.throughput === 0 ? [] : [sample.throughput / base.throughput];
  });
  return ratios.length === 0 ? undefined : range(ratios).median;
}

/**
 * The raw Kafka system is no target, but it says what a target over Kafka can reach here: its
 * throughput × in-process (the same requests and database work with no framework on either side
 * of the broker), and evento-ts with one instance × it (what the framework costs over Kafka).
 */
function reportRawKafka(lines: string[], results: readonly Measurement[], raw: Measurement): void {
  const label = `Distributed [${raw.variant}]`;
  const times = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(2)}×`);
  const inProcess = throughputRatio(results, raw, 'evento-ts');
  if (inProcess !== undefined)
    lines.push(`| ${label}, ${raw.system} × in-process (reported) | ${times(inProcess)} | – |`);
  const kafka = results.find(
    (m) =>
      m.workload === raw.workload &&
      m.variant === raw.variant &&
      m.store === raw.store &&
      m.system === KAFKA_SYSTEMS[0],
  );
  if (raw.variant === 'commands at 500/s' && raw.latencyMs !== undefined)
    lines.push(`| ${label}, ${raw.system} p99 (reported) | ${raw.latencyMs.p99.median.toFixed(1)} ms | – |`);
  const framework = kafka === undefined ? undefined : throughputRatio(results, kafka, RAW_KAFKA_SYSTEM);
  if (framework !== undefined)
    lines.push(`| ${label}, ${KAFKA_SYSTEMS[0]} × ${raw.system} (reported) | ${times(framework)} | – |`);
}
