import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../errors';
import { getComponent } from '../internal/reflection';

const MODULE = /\.(?:[cm]?js|[cm]?ts)$/;
const SKIP = /\.d\.[cm]?ts$|\.(?:test|spec)\.[cm]?[jt]s$/;

/**
 * Imports every module under `dir` (recursively; declaration files, tests and node_modules
 * excluded) and returns the decorated component classes they export.
 */
export async function scanPackage(dir: string): Promise<Function[]> {
  const root = resolve(dir);
  let files: string[];
  try {
    files = await listModules(root);
  } catch (cause) {
    throw new ConfigurationError(
      `setBasePackage('${dir}'): cannot read ${root}; pass an existing folder (relative paths are taken from the current directory, ${process.cwd()}).`,
      {
        cause,
      },
    );
  }
  const found = new Set<Function>();
  for (const file of files.sort()) {
    const exports = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (typeof value === 'function' && getComponent(value) !== undefined) found.add(value);
    }
  }
  return [...found];
}

async function listModules(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.'))
        files.push(...(await listModules(path)));
    } else if (MODULE.test(entry.name) && !SKIP.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}
