/**
 * A consumer's id: `bundleId_componentName_version_context`. Bumping the version makes a new
 * consumer; two bundles never share one by accident.
 */
export function consumerId(
  bundleId: string,
  componentName: string,
  version: number,
  context: string,
): string {
  return `${bundleId}_${componentName}_${version}_${context}`;
}

/**
 * What a name given to a consumer that is not a component (an event relay) may hold: 1 to 100
 * letters, digits, dots and dashes, starting with a letter or digit (no `_`, which separates the
 * parts of a consumer id).
 */
export const CONSUMER_NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
