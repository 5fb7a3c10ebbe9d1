import { ConfigurationError } from '../errors';
import { promiseFrom } from './promises';

/**
 * One link of an interceptor chain: work around `next()`, which runs the rest of the chain with
 * the same context, or with the one passed to it.
 */
export type ChainLink<C> = (context: C, next: (replacement?: C) => Promise<unknown>) => unknown;

/**
 * Runs `links` in order around `innermost`: the first link's `next` runs the second, and so on,
 * until the last one's runs `innermost` with the context as the links left it. Sync and async
 * links compose alike; a link that throws rejects the chain. `next` runs at most once per link.
 */
export function runChain<C>(
  links: readonly ChainLink<C>[],
  context: C,
  innermost: (context: C) => Promise<unknown>,
  what: string,
): Promise<unknown> {
  const at = (index: number, current: C): Promise<unknown> => {
    const link = links[index];
    if (link === undefined) return innermost(current);
    let called = false;
    const next = (replacement?: C): Promise<unknown> => {
      if (called) {
        return Promise.reject(
          new ConfigurationError(
            `${what} interceptor ${index + 1} called next() twice; call it once, and keep the promise it returned.`,
          ),
        );
      }
      called = true;
      return at(index + 1, replacement ?? current);
    };
    // A link's throw becomes a rejection, like an async link's.
    return promiseFrom(() => link(current, next));
  };
  return at(0, context);
}
