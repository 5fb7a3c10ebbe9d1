import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, run before each measured run (untimed): the systems of a case share
 * one process (but for systems in processes of their own, see harness/isolated.ts, which collect
 * before and after each run), and without it a run pays for the garbage the run before it
 * (another system's, often) left behind, at whatever moment V8 chooses. Each run still pays for
 * its own.
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
})();
