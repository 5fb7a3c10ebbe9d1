/**
 * Reads the tutorial (docs/tutorial/NN-*.md) as the steps a reader follows. A fenced block right
 * after a marker is a step:
 * - `<!-- file: src/app.ts -->`: the whole content of that file of the reader's project (written,
 *   or written again);
 * - `<!-- excerpt: src/app.ts -->`: lines shown again from that file as it is at that point;
 * - `<!-- run -->`: shell commands the reader runs in the project folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplesOf } from './docRegions';

export const TUTORIAL = join(__dirname, '..', '..', 'docs', 'tutorial');

export type TutorialStep =
  | { readonly kind: 'file' | 'excerpt'; readonly path: string; readonly code: string; readonly at: string }
  | { readonly kind: 'run'; readonly code: string; readonly at: string };

/** A chapter and its steps, in page order. */
export interface TutorialChapter {
  readonly page: string;
  readonly steps: readonly TutorialStep[];
  /** Fences that show code (ts, js, json, html) without a marker. */
  readonly unmarkedCode: readonly string[];
}

const MARKER = /^<!-- (file|excerpt): (\S+) -->$|^<!-- (run) -->$/;
const CODE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'json', 'html']);

/** The chapters, in order. */
export function tutorialChapters(): TutorialChapter[] {
  return readdirSync(TUTORIAL)
    .filter((f) => /^\d\d-.*\.md$/.test(f))
    .sort()
    .map((page) => chapterOf(page, readFileSync(join(TUTORIAL, page), 'utf8')));
}

/** One page's steps: each marker applies to the fence that follows it (blank lines between). */
export function chapterOf(page: string, markdown: string): TutorialChapter {
  const lines = markdown.split('\n');
  const steps: TutorialStep[] = [];
  const unmarkedCode: string[] = [];
  for (const sample of samplesOf(page, markdown)) {
    const at = `${page}:${sample.line}`;
    let previous = sample.line - 2; // the line before the fence, 0-based
    while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous--;
    const marker = MARKER.exec((lines[previous] ?? '').trim());
    if (marker === null) {
      if (CODE_LANGUAGES.has(sample.language)) unmarkedCode.push(at);
      continue;
    }
    if (marker[3] === 'run') steps.push({ kind: 'run', code: sample.code, at });
    else steps.push({ kind: marker[1] as 'file' | 'excerpt', path: marker[2] ?? '', code: sample.code, at });
  }
  return { page, steps, unmarkedCode };
}

/** Whether `excerpt`'s lines are consecutive lines of `source`, up to a common indentation. */
export function containsExcerpt(source: string, excerpt: string): boolean {
  const wanted = excerpt.split('\n');
  const lines = source.split('\n');
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    const window = lines.slice(start, start + wanted.length);
    const indent = Math.min(
      ...window.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
    );
    if (window.every((l, i) => l.slice(Number.isFinite(indent) ? indent : 0) === wanted[i])) return true;
  }
  return false;
}
