import { FORBIDDEN_KEYS } from '../internal/forbiddenKeys';

/** Metadata as read from a row: the map, or, when the row's value is not one, the raw text kept aside. */
export interface ReadMetadata {
  readonly metadata: Readonly<Record<string, string>>;
  /** The stored value as text, set when it is not a JSON object of strings (then `metadata` is empty). */
  readonly unreadableMetadata?: string;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Reads a row's metadata column, given as JSON text (MySQL) or as the driver parsed it
 * (PostgreSQL jsonb), without ever throwing: a stored value that is not a JSON object of string
 * values without refused keys is kept raw in `unreadableMetadata`, so the stream around a damaged
 * row still reads and reviving that one event fails with a typed error (see `publishedEvent`).
 * SQL NULL reads as empty metadata.
 */
export function readStoredMetadata(raw: unknown): ReadMetadata {
  if (raw === null || raw === undefined) return { metadata: EMPTY };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { metadata: EMPTY, unreadableMetadata: raw };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return damaged(raw);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key) || typeof record[key] !== 'string') return damaged(raw);
  }
  return { metadata: Object.freeze(record as Record<string, string>) };
}

/** The metadata text to write for `event` (as a dead event, say): its raw value if unreadable. */
export function metadataText(event: {
  readonly metadata: Readonly<Record<string, string>>;
  readonly unreadableMetadata?: string | undefined;
}): string {
  return event.unreadableMetadata ?? JSON.stringify(event.metadata);
}

function damaged(raw: unknown): ReadMetadata {
  return { metadata: EMPTY, unreadableMetadata: typeof raw === 'string' ? raw : JSON.stringify(raw) };
}
