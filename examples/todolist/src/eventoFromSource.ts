/**
 * Inside the evento-ts repository the framework is not installed from npm: this hook makes
 * `require('evento-ts')` (and `evento-ts/testing`, `/postgres`, `/mysql`) load the repository's
 * own source, the way the tsconfig `paths` do for the compiler and jest. In your own project,
 * `npm install evento-ts` and leave this file out.
 */
import Module from 'node:module';
import { join } from 'node:path';

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const source = join(__dirname, '..', '..', '..', 'src');
const original = loader._resolveFilename;

loader._resolveFilename = (request, ...rest) => {
  const match = /^evento-ts(?:\/(testing|postgres|mysql))?$/.exec(request);
  if (match === null) return original(request, ...rest);
  return original(join(source, match[1] ?? '', 'index.ts'), ...rest);
};
