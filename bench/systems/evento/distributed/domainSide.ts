import type { EventoBundle, MessageBus } from '../../../../src';
import { Account } from '../domain';
import { POOL_SIZE, pgPool } from '../../../harness/databases';
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
 * and filled before), bound to `bus`, with pools of at most `poolSize` connections (the instances
 * of one system share the bench's pool size, so that they use no more of the server than one
 * process does, and stay under its `max_connections`). Its pools close idle connections after a
 * second, so that the instances of several systems do not hold them between their runs.
 */
export async function startDomain(
  prefix: string,
  bus: MessageBus,
  poolSize = POOL_SIZE,
): Promise<DomainSide> {
  const stores = await openStores('postgres', prefix, { idleTimeoutMillis: 1000, max: poolSize });
  const balances = new BalanceTable(
    prefix,
    pgPool({ idleTimeoutMillis: 1000, max: poolSize, application_name: 'evento-bench-queries' }),
  );
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
