/**
 * The raw Kafka system's command, by hand on evento-ts's own tables (created by its migrations):
 * the account's state from memory when it is there (as the aggregate cache does), else read from
 * its events; then one call of evento-ts's `append_events_v3`, which also records the request's
 * correlation id as the command's idempotency key (a request read again returns its first
 * result). A conflict drops the state from memory.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { PG_SCHEMA } from '../../../harness/databases';
import { EVENT_COLUMNS, LOCK_KEYS, metadata } from '../schema';
import { apply, decide, emptyState, type RawState } from '../state';

interface EventRow {
  event_name: string;
  payload: string;
  aggregate_version: number;
}

export class RawDeposits {
  private readonly states = new Map<string, RawState>();
  private readonly events: string;
  private readonly append: string;
  private readonly channel: string;

  constructor(
    private readonly pool: Pool,
    prefix: string,
  ) {
    this.events = `"${PG_SCHEMA}"."${prefix}events"`;
    this.append = `"${PG_SCHEMA}"."${prefix}append_events_v3"`;
    this.channel = `${prefix}raw_events`;
  }

  /** Deposits 1 on account `id`; resolves to the new event's sequence number. */
  async deposit(id: string, sentAt: number, key: string): Promise<number> {
    const state = this.states.get(id) ?? (await this.read(id));
    this.states.delete(id);
    const payload = decide(state, id, 1, sentAt);
    const { rows } = await this.pool.query<{
      sequence_numbers: string[] | null;
      recorded_fingerprint: string | null;
    }>({
      name: 'raw-append',
      text: `SELECT sequence_numbers, recorded_fingerprint FROM ${this.append}(
        $1::int, $2::int, $3::text, $4::int, $5::text[], $6::text[], $7::text[], $8::jsonb[],
        $9::timestamptz[], $10::uuid[], $11::text, $12::text, $13::text, $14::boolean, $15::text, $16::text)`,
      values: [
        ...LOCK_KEYS,
        id,
        state.version,
        ['Deposited'],
        ['default'],
        [payload],
        [metadata()],
        [new Date()],
        [randomUUID()],
        key,
        'Deposit',
        key,
        false,
        this.channel,
        'raw',
      ],
    });
    const numbers = rows[0]?.sequence_numbers;
    if (numbers === null || numbers === undefined) throw new Error(`conflict on ${id}`);
    // Read again after a redelivery: the first run's result, and the state is read next time.
    if (rows[0]?.recorded_fingerprint != null) return Number(numbers[0]);
    this.states.set(id, apply(state, 'Deposited', payload, state.version + 1));
    return Number(numbers[0]);
  }

  private async read(id: string): Promise<RawState> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'raw-read',
      text: `SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE aggregate_id = $1 ORDER BY aggregate_version`,
      values: [id],
    });
    let state = emptyState();
    for (const row of rows) state = apply(state, row.event_name, row.payload, row.aggregate_version);
    return state;
  }
}
