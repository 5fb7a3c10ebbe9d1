import type { Metadata } from 'evento-ts';

// #region user
/** The metadata key the invoker puts the acting user under; events inherit it from their command. */
export const USER_METADATA_KEY = 'user';

/** The user a message was sent on behalf of. */
export function userOf(metadata: Metadata): string {
  return metadata.get(USER_METADATA_KEY) ?? 'anonymous';
}
// #endregion user
