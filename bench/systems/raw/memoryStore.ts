import { eventAt, total, type EventSpec } from '../../harness/bulk';

/** A stored event of the raw in-memory store. */
export interface RawRow {
  readonly sequenceNumber: number;
  readonly aggregateId: string;
  readonly version: number;
  readonly name: string;
  readonly payload: string;
  readonly metadata: string;
  readonly createdAt: Date;
}

/**
 * The raw limit in memory: what an event store must do at least, written by hand (an array of
 * serialized events, an index per aggregate, a version check), with no framework around it.
 */
export class RawMemoryStore {
  readonly events: RawRow[] = [];
  readonly byAggregate = new Map<string, RawRow[]>();
  readonly snapshots = new Map<string, { version: number; state: string }>();

  append(
    aggregateId: string,
    expectedVersion: number,
    name: string,
    payload: string,
    metadata: string,
  ): RawRow {
    const stream = this.byAggregate.get(aggregateId) ?? [];
    if (stream.length !== expectedVersion) throw new Error(`conflict on ${aggregateId}`);
    const row: RawRow = {
      sequenceNumber: this.events.length + 1,
      aggregateId,
      version: expectedVersion + 1,
      name,
      payload,
      metadata,
      createdAt: new Date(),
    };
    this.events.push(row);
    stream.push(row);
    if (stream.length === 1) this.byAggregate.set(aggregateId, stream);
    return row;
  }

  read(aggregateId: string, afterVersion = 0): readonly RawRow[] {
    return (this.byAggregate.get(aggregateId) ?? []).slice(afterVersion);
  }

  preload(spec: EventSpec): void {
    for (let g = 0; g < total(spec); g++) {
      const e = eventAt(spec, g);
      this.append(e.id, e.version - 1, e.name, e.payload, '{}');
    }
  }
}
