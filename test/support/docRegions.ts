/**
 * Code samples in the tutorial are regions of the example's source. In the source a region is the
 * lines between `// #region name` and `// #endregion name`; in the markdown, a fenced block right
 * after `<!-- region: examples/todolist/src/file.ts#name -->` must hold exactly those lines
 * (without nested region markers, dedented).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced code block of a markdown file, and the region it claims to show, if any. */
export interface Sample {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly language: string;
  readonly code: string;
  readonly region: { readonly path: string; readonly name: string } | undefined;
}

const MARKER = /^<!-- region: (\S+)#([\w-]+) -->$/;
const FENCE = /^```(\w*)\s*$/;
const REGION_LINE = /^\s*(?:\/\/|<!--)\s*#(?:end)?region\b/;

/** The fenced blocks of `markdown`. */
export function samplesOf(file: string, markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  let marker: Sample['region'];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const region = MARKER.exec(line.trim());
    if (region !== null) {
      marker = { path: region[1] ?? '', name: region[2] ?? '' };
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence === null) {
      if (line.trim() !== '') marker = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    samples.push({ file, line: start + 1, language: fence[1] ?? '', code: body.join('\n'), region: marker });
    marker = undefined;
  }
  return samples;
}

/** The lines of region `name` in `source`, nested markers dropped and common indentation removed. */
export function regionOf(source: string, name: string): string | undefined {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => new RegExp(`#region ${name}(\\s|-->|$)`).test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`#endregion ${name}(\\s|-->|$)`).test(l));
  if (end < 0) return undefined;
  const body = lines.slice(start + 1, end).filter((l) => !REGION_LINE.test(l));
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/** The region a sample shows, read from the repository at `root`; undefined when it does not exist. */
export function expectedCode(root: string, sample: Sample): string | undefined {
  if (sample.region === undefined) return undefined;
  let source: string;
  try {
    source = readFileSync(join(root, sample.region.path), 'utf8');
  } catch {
    return undefined;
  }
  return regionOf(source, sample.region.name);
}

/** `markdown` with each region-marked fence holding its region's current code (unknown regions left as they are). */
export function syncPage(root: string, markdown: string): string {
  const lines = markdown.split('\n');
  const samples = samplesOf('', markdown).reverse(); // from the end, so earlier line numbers hold
  for (const sample of samples) {
    const code = expectedCode(root, sample);
    if (code === undefined) continue;
    lines.splice(sample.line, sample.code.split('\n').length, ...code.split('\n'));
  }
  return lines.join('\n');
}
