import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const root = join(__dirname, '..', '..');

/** The text between `// #region name` and `// #endregion name` in `file` (relative to the root). */
export function region(file: string, name: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const open = `// #region ${name}\n`;
  const start = text.indexOf(open);
  const end = text.indexOf(`// #endregion ${name}`);
  if (start < 0 || end < start) throw new Error(`${file} has no region '${name}'`);
  return text.slice(start + open.length, end).trimEnd();
}

/** Every `<!-- region: file#name -->` sample in the markdown files under `dirs`, with the code block after it. */
export function samples(paths: string[]): { doc: string; file: string; name: string; code: string }[] {
  const found: { doc: string; file: string; name: string; code: string }[] = [];
  const pattern = /<!-- region: ([^#\s]+)#([\w-]+) -->\s*\n```\w*\n([\s\S]*?)\n```/g;
  for (const doc of paths.flatMap(markdownFiles)) {
    const text = readFileSync(doc, 'utf8');
    for (const match of text.matchAll(pattern)) {
      found.push({ doc: relative(root, doc), file: match[1]!, name: match[2]!, code: match[3]! });
    }
  }
  return found;
}

function markdownFiles(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (statSync(full).isFile()) return full.endsWith('.md') ? [full] : [];
  return readdirSync(full).flatMap((entry) => markdownFiles(join(path, entry)));
}
