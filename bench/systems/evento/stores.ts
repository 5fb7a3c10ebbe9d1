import { createPool } from 'mysql2/promise';
import type { PoolConfig } from 'pg';
import { container, type InjectionToken } from 'tsyringe';
import {
  EventoBundle,
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  type ConsumerStateStore,
  type EventStore,
  type EventRelay,
  type EventToAppend,
  type MessageBus,
  type TracingAgent,
} from '../../../src';
import { describeErrorContext } from '../../../src/errors';
import { MysqlConsumerStateStore, MysqlEventStore } from '../../../src/mysql';
import { PostgresConsumerStateStore, PostgresEventStore } from '../../../src/postgres';
import { mysqlUrl, PG_SCHEMA, pgPool, pgUrl, POOL_SIZE } from '../../harness/databases';
import { bulkLoadMysql, bulkLoadPostgres, eventAt, total, type EventSpec } from '../../harness/bulk';
import type { StoreKind } from '../../harness/types';

/** evento-ts's two stores on one place, with their table prefix. */
export interface EventoStores {
  readonly kind: StoreKind;
  readonly eventStore: EventStore;
  readonly stateStore: ConsumerStateStore;
  /** The quoted events table (SQL stores). */
  readonly eventsTable: string;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) evento-ts's stores for `kind`, tables prefixed `prefix`; `poolConfig`
 * amends the PostgreSQL pools' settings.
 */
export async function openStores(
  kind: StoreKind,
  prefix: string,
  poolConfig: Omit<PoolConfig, 'connectionString'> = {},
): Promise<EventoStores> {
  if (kind === 'memory') {
    const eventStore = new InMemoryEventStore();
    const stateStore = new InMemoryConsumerStateStore();
    return { kind, eventStore, stateStore, eventsTable: '', close: async () => undefined };
  }
  if (kind === 'postgres') {
    const options = {
      connectionString: pgUrl(),
      schema: PG_SCHEMA,
      tablePrefix: prefix,
      poolConfig: { max: POOL_SIZE, application_name: 'evento-bench', ...poolConfig },
    };
    const eventStore = await PostgresEventStore.create(options);
    const stateStore = await PostgresConsumerStateStore.create(options);
    return {
      kind,
      eventStore,
      stateStore,
      eventsTable: `"${PG_SCHEMA}"."${prefix}events"`,
      close: async () => {
        await eventStore.close();
        await stateStore.close();
      },
    };
  }
  const options = { uri: mysqlUrl(), tablePrefix: prefix, connectionLimit: POOL_SIZE };
  const eventStore = await MysqlEventStore.create(options);
  const stateStore = await MysqlConsumerStateStore.create(options);
  return {
    kind,
    eventStore,
    stateStore,
    eventsTable: `\`${prefix}events\``,
    close: async () => {
      await eventStore.close();
      await stateStore.close();
    },
  };
}

/** Stores the spec's events in evento-ts's tables without going through the framework. */
export async function preload(stores: EventoStores, spec: EventSpec): Promise<void> {
  if (stores.kind === 'postgres') {
    const pool = pgPool({ max: 1 });
    try {
      await bulkLoadPostgres(pool, stores.eventsTable, spec);
    } finally {
      await pool.end();
    }
  } else if (stores.kind === 'mysql') {
    const pool = createPool({ uri: mysqlUrl(), connectionLimit: 1 });
    try {
      await bulkLoadMysql(pool, stores.eventsTable, spec);
    } finally {
      await pool.end();
    }
  } else {
    // In memory the store is the only way in; appends of whole accounts when they are grouped.
    const now = new Date();
    const record = (g: number): { id: string; event: EventToAppend; version: number } => {
      const e = eventAt(spec, g);
      return {
        id: e.id,
        version: e.version,
        event: { eventName: e.name, context: 'default', payload: e.payload, metadata: {}, createdAt: now },
      };
    };
    if (spec.order === 'grouped') {
      for (let a = 0; a < spec.aggregates; a++) {
        const events = Array.from(
          { length: spec.perAggregate },
          (_, i) => record(a * spec.perAggregate + i).event,
        );
        await stores.eventStore.append({ aggregateId: `${spec.idPrefix}${a}`, expectedVersion: 0, events });
      }
    } else {
      for (let g = 0; g < total(spec); g++) {
        const { id, version, event } = record(g);
        await stores.eventStore.append({ aggregateId: id, expectedVersion: version - 1, events: [event] });
      }
    }
  }
}

/**
 * Starts a bundle on the stores with `components`; `container` values are registered first;
 * `options.bus` replaces the bundle's own in-process bus; with `options.tracingAgent`, the bundle
 * traces through it; `options.relays` are added with `addEventRelay`.
 */
export async function startBundle(
  stores: EventoStores,
  bundleId: string,
  components: readonly unknown[],
  instances: readonly (readonly [InjectionToken<object>, object])[] = [],
  aggregateCacheSize?: number,
  options: { bus?: MessageBus; tracingAgent?: TracingAgent; relays?: readonly EventRelay[] } = {},
): Promise<EventoBundle> {
  const child = container.createChildContainer();
  for (const [token, value] of instances) child.registerInstance(token, value);
  const builder = EventoBundle.builder();
  if (aggregateCacheSize !== undefined) builder.setAggregateCacheSize(aggregateCacheSize);
  if (options.bus !== undefined) builder.setMessageBus(options.bus);
  if (options.tracingAgent !== undefined) builder.setTracingAgent(options.tracingAgent);
  for (const relay of options.relays ?? []) builder.addEventRelay(relay);
  return builder
    .setBundleId(bundleId)
    .setComponents(components)
    .setEventStore(stores.eventStore)
    .setConsumerStateStore(stores.stateStore)
    .setContainer(child)
    .setErrorHandler((error, where) => console.error(`[bench] ${describeErrorContext(where)}:`, error))
    .start();
}
