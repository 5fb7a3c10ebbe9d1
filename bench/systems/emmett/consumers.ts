/**
 * Emmett 0.42's PostgreSQL consumer with a projector: each batch runs in one transaction in which
 * the projection's handler upserts one read-model row per event (through the transaction's pg
 * client: exactly-once) and Emmett stores the checkpoint after each message. In plain mode the
 * handler writes through a pool of its own instead.
 */
import { postgreSQLProjection, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import type { Pool } from 'pg';
import type { EventSpec } from '../../harness/bulk';
import { DeliveryTracker } from '../../harness/delivery';
import { liveSystem, type LiveOptions, type LiveTarget } from '../../harness/live';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import type { ProjectionMode } from '../evento/consumers';
import { deposit, handle } from './commands';
import { bulkLoadEmmett, emmettPostgres, streamOf, type AccountEvent, type Deposited } from './setup';

const UPSERT = `INSERT INTO rm_emmett AS r (id, balance, last_seq) VALUES ($1, $2, $3)
  ON CONFLICT (id) DO UPDATE SET balance = r.balance + EXCLUDED.balance, last_seq = EXCLUDED.last_seq`;

/** Starts a consumer with one projector writing rm_emmett; resolves to its stop function and its done promise. */
function startConsumer(
  store: PostgresEventStore,
  processorId: string,
  mode: ProjectionMode,
  pool: Pool,
  tracker: () => DeliveryTracker,
  pulling: { batchSize: number; pullingFrequencyInMs: number } | undefined,
  stopWhenDone: boolean,
  stopAfterEvents = Number.POSITIVE_INFINITY,
): { done: Promise<void>; stop: () => Promise<void> } {
  let seen = 0;
  const consumer = store.consumer<Deposited>({
    ...(pulling === undefined ? {} : { pulling }),
    ...(stopWhenDone ? { stopWhen: { noMessagesLeft: true } } : {}),
  });
  consumer.projector({
    processorId,
    stopAfter: () => ++seen >= stopAfterEvents,
    projection: postgreSQLProjection<Deposited>({
      name: processorId,
      canHandle: ['Deposited'],
      handle: async (events, context) => {
        for (const event of events) {
          const position = Number(event.metadata.globalPosition);
          const db = mode === 'exactly-once' ? context.connection.client : pool;
          await db.query(UPSERT, [event.data.id, event.data.amount, position]);
          tracker().record(position, event.data.sentAt);
        }
      },
    }),
  });
  const done = consumer.start();
  // Awaited later (or never, if the run fails first): do not let its failure crash the process.
  done.catch(() => undefined);
  return { done, stop: () => consumer.stop() };
}

export async function emmettCatchup(
  store: StoreKind,
  mode: ProjectionMode,
  spec: EventSpec,
): Promise<SystemRun> {
  if (store !== 'postgres') throw new Error('Emmett 0.42 has a consumer for PostgreSQL only');
  const pg = await emmettPostgres();
  await bulkLoadEmmett(pg.pool, spec);
  await pg.pool.query(
    'CREATE TABLE IF NOT EXISTS rm_emmett (id text PRIMARY KEY, balance bigint NOT NULL, last_seq bigint NOT NULL)',
  );
  const total = spec.aggregates * spec.perAggregate;
  let tracker = new DeliveryTracker();
  return {
    system: 'emmett',
    prepare: async () => {
      await pg.pool.query('TRUNCATE rm_emmett');
    },
    async run({ index, warmup }): Promise<RunOutput> {
      tracker = new DeliveryTracker();
      const started = performance.now();
      // Batches as large as evento-ts's, and no pause between full batches (the default waits 50 ms).
      const pulling = { batchSize: 1000, pullingFrequencyInMs: 1 };
      const stopAfter = warmup ? total / 10 : Number.POSITIVE_INFINITY;
      const consumer = startConsumer(
        pg.store,
        `catchup-${index}`,
        mode,
        pg.pool,
        () => tracker,
        pulling,
        true,
        stopAfter,
      );
      await consumer.done;
      const durationMs = performance.now() - started;
      return { ops: tracker.delivered, durationMs, extra: { deliveredRatio: tracker.delivered / total } };
    },
    close: () => pg.close(),
  };
}

/** Emmett's consumer (default pulling) running live while writers append or send commands. */
export async function emmettLive(writes: 'append' | 'command', options: LiveOptions): Promise<SystemRun> {
  const pg = await emmettPostgres();
  await pg.pool.query(
    'CREATE TABLE IF NOT EXISTS rm_emmett (id text PRIMARY KEY, balance bigint NOT NULL, last_seq bigint NOT NULL)',
  );
  const target: LiveTarget = {
    tracker: new DeliveryTracker(),
    head: async () => {
      const { rows } = await pg.pool.query<{ head: string | null }>(
        'SELECT max(global_position) AS head FROM emt_messages',
      );
      return Number(rows[0]?.head ?? 0);
    },
    write: async (w, k, sentAt) => {
      const id = `live-${w}-${k % 10}`;
      if (writes === 'command') {
        await handle(pg.store, streamOf(id), deposit(id, sentAt));
      } else {
        const event: AccountEvent = { type: 'Deposited', data: { id, amount: 1, sentAt } };
        await pg.store.appendToStream(streamOf(id), [event]);
      }
    },
  };
  const consumer = startConsumer(
    pg.store,
    'live',
    'exactly-once',
    pg.pool,
    () => target.tracker,
    undefined,
    false,
  );
  return liveSystem('emmett', target, options, async () => {
    await consumer.stop();
    await consumer.done.catch(() => undefined);
    await pg.close();
  });
}
