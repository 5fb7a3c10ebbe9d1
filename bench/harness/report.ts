import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from './environment';
import type { Measurement, Range, SystemName } from './types';

/** Formats a median with its min–max. */
export function formatRange(r: Range | undefined, digits = 0): string {
  if (r === undefined) return '–';
  const f = (n: number): string =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return r.min === r.max ? f(r.median) : `${f(r.median)} (${f(r.min)}–${f(r.max)})`;
}

/** evento-ts's median throughput divided by `other`'s, in the same case. */
export function ratio(
  results: readonly Measurement[],
  of: Measurement,
  other: 'raw' | 'emmett',
): number | undefined {
  return of.system === 'evento-ts' ? throughputRatio(results, of, other) : undefined;
}

/** `of`'s median throughput divided by `baseline`'s, in the same case. */
export function throughputRatio(
  results: readonly Measurement[],
  of: Measurement,
  baseline: SystemName,
): number | undefined {
  if (of.throughput === undefined || !of.compare) return undefined;
  const peer = results.find(
    (m) =>
      m.system === baseline && m.workload === of.workload && m.variant === of.variant && m.store === of.store,
  );
  if (peer?.throughput === undefined || peer.throughput.median === 0) return undefined;
  return of.throughput.median / peer.throughput.median;
}

/** The results as a Markdown table (one row per system and case). */
export function markdownTable(results: readonly Measurement[]): string {
  const lines = [
    '| workload | variant | store | system | throughput (median, min–max) | latency p50 / p95 / p99 ms | CPU | peak RSS MB | ×raw | ×Emmett | other |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const m of results) {
    const raw = ratio(results, m, 'raw');
    const emmett = ratio(results, m, 'emmett');
    const latency =
      m.latencyMs === undefined
        ? '–'
        : `${m.latencyMs.p50.median.toFixed(1)} / ${m.latencyMs.p95.median.toFixed(1)} / ${formatRange(m.latencyMs.p99, 1)}`;
    const extras = Object.entries(m.extra)
      .filter(([key]) => !key.startsWith('child'))
      .map(([key, r]) => `${key} ${formatRange(r, r.median < 10 ? 3 : 0)}`)
      .join('; ');
    lines.push(
      [
        m.workload,
        m.variant,
        m.store,
        m.system,
        m.error !== undefined ? `failed: ${m.error.slice(0, 80)}` : `${formatRange(m.throughput)} ${m.unit}`,
        latency,
        m.cpuPercent === undefined ? '–' : `${m.cpuPercent.toFixed(0)}%`,
        m.peakRssMb === undefined ? '–' : m.peakRssMb.toFixed(0),
        raw === undefined ? '' : `${raw.toFixed(2)}×`,
        emmett === undefined ? '' : `${emmett.toFixed(2)}×`,
        extras,
      ]
        .map((cell) => cell.replace(/\|/g, '\\|'))
        .join(' | ')
        .replace(/^/, '| ')
        .replace(/$/, ' |'),
    );
  }
  return lines.join('\n');
}

/** Writes one JSON line per measurement, and the table, under `dir`; returns the JSON lines' path. */
export function writeResults(
  dir: string,
  results: readonly Measurement[],
  environment: Environment,
  command: string,
  summary: string,
): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${stamp}.jsonl`);
  const at = new Date().toISOString();
  writeFileSync(
    path,
    results.map((m) => JSON.stringify({ at, command, environment, ...m })).join('\n') + '\n',
  );
  writeFileSync(join(dir, `${stamp}.md`), summary + '\n');
  return path;
}
