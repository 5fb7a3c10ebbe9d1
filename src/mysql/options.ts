import { ConfigurationError } from '../errors';
import type { MigrateMode } from './migrations';

/** `mode` (default 'apply') once it is known to be 'apply' or 'verify'. */
export function validateMigrateMode(mode: unknown): MigrateMode {
  if (mode === undefined) return 'apply';
  if (mode === 'apply' || mode === 'verify') return mode;
  throw new ConfigurationError(
    `migrate must be 'apply' or 'verify' (got ${typeof mode === 'string' ? JSON.stringify(mode) : `a value of type ${typeof mode}`}).`,
  );
}
