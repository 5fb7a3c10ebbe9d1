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
