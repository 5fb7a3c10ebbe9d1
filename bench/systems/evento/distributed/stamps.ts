import { epochNow } from '../../../harness/clock';

/**
 * The moments a request passes, by message id: on the caller's side (`start` when its bus is
 * asked, `acked` when Kafka acknowledged the request, `replied` when the answer was read, `done`
 * when the bus resolved) and on the domain's side (`received` when the request consumer read it,
 * `handling` / `handled` around the bundle's handling, `replyAcked` when Kafka acknowledged the
 * answer).
 */
export const STAMPS = [
  'start',
  'acked',
  'received',
  'handling',
  'handled',
  'replyAcked',
  'replied',
  'done',
] as const;
export type StampName = (typeof STAMPS)[number];
export type StampRecord = Partial<Record<StampName, number>>;

/** Stamps of one process, collected until drained. */
export class Stamps {
  private records = new Map<string, StampRecord>();

  stamp(messageId: string, name: StampName, at = epochNow()): void {
    let record = this.records.get(messageId);
    if (record === undefined) {
      record = {};
      this.records.set(messageId, record);
    }
    record[name] = at;
  }

  /** The stamps since the last drain, by message id. */
  drain(): Record<string, StampRecord> {
    const drained = Object.fromEntries(this.records);
    this.records = new Map();
    return drained;
  }
}
