import { createHash } from 'node:crypto';
import { ConfigurationError } from '../errors';

/** The rule a table prefix or schema name must follow; only such names are ever put into SQL. */
export const IDENTIFIER_RULE = /^[a-z_][a-z0-9_]{0,40}$/;

/**
 * First keys of the two-key advisory locks the stores take, so they cannot collide with an
 * application's single-key locks: migrations, and the append/read-head protocol.
 */
export const LOCK_CLASS = { migrate: 0x65766d31, append: 0x65766131 } as const;

/** The table prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'evento_';

/**
 * Returns `value` when it follows {@link IDENTIFIER_RULE}, else throws a ConfigurationError naming
 * the option, the value (JSON-quoted, as data) and the rule.
 */
export function validateIdentifier(option: 'tablePrefix' | 'schema', value: unknown): string {
  if (typeof value === 'string' && IDENTIFIER_RULE.test(value)) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
  throw new ConfigurationError(
    `${option} ${shown} is not allowed: it must match ${String(IDENTIFIER_RULE)} ` +
      '(lowercase letters, digits and underscores, starting with a letter or underscore, at most 41 characters).',
    { context: { option, value } },
  );
}

/** Where a store's tables live: an optional schema and a table prefix, both validated. */
export class TableNames {
  readonly schema: string | undefined;
  readonly prefix: string;

  constructor(prefix: unknown, schema: unknown) {
    this.prefix = validateIdentifier('tablePrefix', prefix === undefined ? DEFAULT_TABLE_PREFIX : prefix);
    this.schema = schema === undefined ? undefined : validateIdentifier('schema', schema);
  }

  /** The quoted, schema-qualified name of the table (or sequence) `<prefix><name>`. */
  table(name: string): string {
    const table = `"${this.prefix}${name}"`;
    return this.schema === undefined ? table : `"${this.schema}".${table}`;
  }

  /** A readable label for messages: `schema.prefix*`. */
  describe(): string {
    return `${this.schema === undefined ? '' : `${this.schema}.`}${this.prefix}*`;
  }

  /**
   * A stable signed 32-bit number for advisory lock keys, derived from `purpose` and the schema,
   * plus the prefix unless `scope` is 'schema'.
   */
  lockKey(purpose: string, scope: 'schema' | 'tables' = 'tables'): number {
    const prefix = scope === 'tables' ? this.prefix : '';
    return createHash('sha1')
      .update(`${purpose}:${this.schema ?? ''}:${prefix}`)
      .digest()
      .readInt32BE(0);
  }

  /**
   * The NOTIFY channel for appends: `<prefix>events`, plus a short hash of the schema when there is
   * one (channel names are limited to 63 bytes and are not schema-scoped).
   */
  channel(): string {
    if (this.schema === undefined) return `${this.prefix}events`;
    const hash = createHash('sha1').update(this.schema).digest('hex').slice(0, 8);
    return `${this.prefix}events_${hash}`;
  }
}
