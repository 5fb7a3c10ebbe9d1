/**
 * Failure explanations: which fields differ (by path, with both values), then a line diff of the
 * two values printed one field per line, `-` for expected and `+` for actual.
 */
import { differences, type Difference } from './equality';
import { render, renderBlock, typeName } from './render';

const MAX_DIFF_CELLS = 250_000;

/** Explains how `actual` differs from `expected` (empty when they are equal). */
export function explainDifference(expected: unknown, actual: unknown): string {
  const found = differences(expected, actual);
  if (found.length === 0) return '';
  return `${found.map((d) => `  ${describeDifference(d)}`).join('\n')}\n\n${lineDiff(renderBlock(expected), renderBlock(actual))}`;
}

/**
 * Explains how two lists of payloads (events, commands) differ, item by item, naming each item's
 * position and class; empty when they are equal.
 */
export function explainListDifference(
  noun: string,
  expected: readonly unknown[],
  actual: readonly unknown[],
): string {
  const lines: string[] = [];
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    const label = `${noun} ${i + 1}`;
    if (i >= actual.length) {
      lines.push(`  ${label}: expected ${render(expected[i])}, but there is none`);
    } else if (i >= expected.length) {
      lines.push(`  ${label}: unexpected ${render(actual[i])}`);
    } else {
      const found = differences(expected[i], actual[i]);
      const classes = typeName(expected[i]) === typeName(actual[i]) ? typeName(actual[i]) : undefined;
      for (const d of found) {
        lines.push(
          d.path === '' || classes === undefined
            ? `  ${label}: expected ${d.expected}, got ${d.actual}`
            : `  ${label} (${classes}): ${describeDifference(d)}`,
        );
      }
    }
  }
  if (lines.length === 0) return '';
  const header = `- Expected (${count(expected.length, noun)})\n+ Actual (${count(actual.length, noun)})`;
  return `${lines.join('\n')}\n\n${header}\n\n${lineDiff(renderBlock(expected), renderBlock(actual))}`;
}

/** ` (expected 2 events, got 1)` when the counts differ, else nothing. */
export function countsDiffer(noun: string, expected: number, actual: number): string {
  return expected === actual ? '' : ` (expected ${count(expected, noun)}, got ${actual})`;
}

/** `amount: expected 50, got 40`. */
export function describeDifference(d: Difference): string {
  return `${d.path === '' ? 'value' : d.path}: expected ${d.expected}, got ${d.actual}`;
}

/** `1 event`, `2 events`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A line diff of two texts: `- ` lines only in `expected`, `+ ` only in `actual`, `  ` in both. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length * b.length > MAX_DIFF_CELLS) {
    return `${a.map((l) => `- ${l}`).join('\n')}\n${b.map((l) => `+ ${l}`).join('\n')}`;
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push(`- ${a[i]}`);
      i++;
    } else {
      out.push(`+ ${b[j]}`);
      j++;
    }
  }
  return out.join('\n');
}
