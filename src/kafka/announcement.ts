/**
 * What bus instances tell each other on the discovery topic, as JSON:
 * - `announce`: a bundle instance is live and handles these names (repeated every heartbeat);
 * - `withdraw`: it stopped;
 * - `ping`: a bus's marker, to know when it has read everything written before it.
 */
export type DiscoveryRecord = Announcement | Withdrawal | Ping;

/** A live bundle instance bound to a bus. */
export interface Announcement {
  readonly kind: 'announce';
  readonly busId: string;
  readonly bundleId: string;
  readonly bundleVersion: string | null;
  readonly instanceId: string;
  readonly commandNames: readonly string[];
  readonly queryNames: readonly string[];
  /** The reply topic of its bus, deleted by the others when the instance is found dead. */
  readonly replyTopic: string;
}

/** A bundle instance that stopped. */
export interface Withdrawal {
  readonly kind: 'withdraw';
  readonly busId: string;
  readonly instanceId: string;
}

/** A marker a bus writes and waits to read back. */
export interface Ping {
  readonly kind: 'ping';
  readonly busId: string;
  readonly id: string;
}

const DISCOVERY_FORMAT = 1;

export function encodeDiscovery(record: DiscoveryRecord): string {
  return JSON.stringify({ evento: DISCOVERY_FORMAT, ...record });
}

/** The record `value` holds, or undefined when it is not one this version understands. */
export function decodeDiscovery(value: Buffer | null): DiscoveryRecord | undefined {
  if (value === null) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const r = data as Record<string, unknown>;
  if (r.evento !== DISCOVERY_FORMAT || !isText(r.busId)) return undefined;
  if (r.kind === 'ping') return isText(r.id) ? { kind: 'ping', busId: r.busId, id: r.id } : undefined;
  if (!isText(r.instanceId)) return undefined;
  if (r.kind === 'withdraw') return { kind: 'withdraw', busId: r.busId, instanceId: r.instanceId };
  if (
    r.kind !== 'announce' ||
    !isText(r.bundleId) ||
    !isText(r.replyTopic) ||
    !(r.bundleVersion === null || isText(r.bundleVersion)) ||
    !isTextList(r.commandNames) ||
    !isTextList(r.queryNames)
  ) {
    return undefined;
  }
  return {
    kind: 'announce',
    busId: r.busId,
    bundleId: r.bundleId,
    bundleVersion: r.bundleVersion,
    instanceId: r.instanceId,
    commandNames: r.commandNames,
    queryNames: r.queryNames,
    replyTopic: r.replyTopic,
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 1000;
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isText);
}
