import type { EventoBundle, MessageBus } from '../../../../src';
import { Account } from '../domain';
import { openStores, startBundle, type EventoStores } from '../stores';
import { BalanceQueries, BalanceTable } from './balances';

/** The bundle the distributed workload's requests go to. */
export const DOMAIN_BUNDLE = 'bench-domain';

/** One instance of the domain bundle: accounts (commands) and balances (queries), on `bus`. */
export interface DomainSide {
  readonly bundle: EventoBundle;
  readonly stores: EventoStores;
  close(): Promise<void>;
}

/**
 * Starts an instance of the domain bundle on the PostgreSQL tables prefixed `prefix` (created
 * and filled before), bound to `bus`. Its pools close idle connections after a second, so that
 * the instances of several systems do not hold the server's connections between their runs.
 */
export async function startDomain(prefix: string, bus: MessageBus): Promise<DomainSide> {
  const stores = await openStores('postgres', prefix, { idleTimeoutMillis: 1000 });
  const balances = new BalanceTable(prefix);
  try {
    const bundle = await startBundle(
      stores,
      DOMAIN_BUNDLE,
      [Account, BalanceQueries],
      [[BalanceTable, balances]],
      undefined,
      { bus },
    );
    return {
      bundle,
      stores,
      close: async () => {
        await bundle.stop();
        await balances.close();
        await stores.close();
      },
    };
  } catch (error) {
    await balances.close();
    await stores.close();
    throw error;
  }
}
