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

/**
 * Whether the request `messageId` is stamped: one in eight, chosen alike in every process from the
 * id's last character (a random hexadecimal digit of a UUID: 0 or 8), so that stamping costs the
 * measured system little and every process stamps the same requests.
 */
export function sampled(messageId: string): boolean {
  return (messageId.charCodeAt(messageId.length - 1) & 7) === 0;
}

/** Stamps of one process for the {@link sampled} requests, collected until drained. */
export class Stamps {
  private records = new Map<string, StampRecord>();

  stamp(messageId: string, name: StampName, at = epochNow()): void {
    if (!sampled(messageId)) return;
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
