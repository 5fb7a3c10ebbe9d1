import type { StampName, StampRecord } from './stamps';

/**
 * The parts of a request's way, between two stamps. `toHandler`, `handle` and `back` add up to
 * the bus's whole round trip, on either bus; the others exist only over Kafka and overlap them.
 */
const SEGMENTS: readonly (readonly [string, StampName, StampName, boolean])[] = [
  // name, from, to, report the p99 as well
  ['toHandler', 'start', 'handling', true],
  ['handle', 'handling', 'handled', true],
  ['back', 'handled', 'done', true],
  ['produceAck', 'start', 'acked', false],
  ['toConsumer', 'start', 'received', false],
  ['replyAck', 'handled', 'replyAcked', false],
  ['replyRead', 'handled', 'replied', false],
];

/**
 * The mean (`<part>Ms`) and for the main parts the 99th percentile (`<part>P99Ms`) of each part,
 * over the requests whose stamps (from every process, merged by message id) have both ends.
 */
export function breakdown(
  ...sources: readonly Readonly<Record<string, StampRecord>>[]
): Record<string, number> {
  const merged = new Map<string, StampRecord>();
  for (const source of sources)
    for (const [id, record] of Object.entries(source)) merged.set(id, { ...merged.get(id), ...record });
  const extra: Record<string, number> = {};
  for (const [name, from, to, p99] of SEGMENTS) {
    const values: number[] = [];
    for (const record of merged.values()) {
      const a = record[from];
      const b = record[to];
      if (a !== undefined && b !== undefined) values.push(b - a);
    }
    if (values.length === 0) continue;
    values.sort((x, y) => x - y);
    extra[`${name}Ms`] = values.reduce((sum, v) => sum + v, 0) / values.length;
    if (p99)
      extra[`${name}P99Ms`] = values[Math.min(values.length - 1, Math.ceil(0.99 * values.length) - 1)] ?? 0;
  }
  return extra;
}
