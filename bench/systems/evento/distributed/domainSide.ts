import type { EventoBundle, MessageBus } from '../../../../src';
import { Account } from '../domain';
import { closeIdle, POOL_SIZE, runPool } from '../../../harness/databases';
import { openStores, startBundle, type EventoStores } from '../stores';
import { BalanceQueries, BalanceTable } from './balances';

/** The bundle the distributed workload's requests go to. */
export const DOMAIN_BUNDLE = 'bench-domain';

/** One instance of the domain bundle: accounts (commands) and balances (queries), on `bus`. */
export interface DomainSide {
  readonly bundle: EventoBundle;
  readonly stores: EventoStores;
  /** Closes the idle connections of its pools: call it after each run. */
  rest(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an instance of the domain bundle on the PostgreSQL tables prefixed `prefix` (created
 * and filled before), bound to `bus`, with pools of at most `poolSize` connections (the instances
 * of one system share the bench's pool size, so that they use no more of the server than one
 * process does, and stay under its `max_connections`): one for its stores, one for the balances.
 * They keep their connections through a run, until `rest()` (see {@link runPool}).
 */
export async function startDomain(
  prefix: string,
  bus: MessageBus,
  poolSize = POOL_SIZE,
): Promise<DomainSide> {
  const storesPool = runPool({ max: poolSize, application_name: 'evento-bench' });
  const balancesPool = runPool({ max: poolSize, application_name: 'evento-bench-queries' });
  const endPools = async (): Promise<void> => {
    await storesPool.end();
    await balancesPool.end();
  };
  let stores: EventoStores;
  try {
    stores = await openStores('postgres', prefix, { pool: storesPool });
  } catch (error) {
    await endPools();
    throw error;
  }
  const balances = new BalanceTable(prefix, balancesPool);
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
      rest: async () => {
        await closeIdle(storesPool);
        await closeIdle(balancesPool);
      },
      close: async () => {
        await bundle.stop();
        await stores.close();
        await endPools();
      },
    };
  } catch (error) {
    await stores.close();
    await endPools();
    throw error;
  }
}
