import type { ClusterBundle, ClusterInstance } from './messageBus';

/** Groups instances by bundle, bundles and instances sorted by id. */
export function clusterOf(instances: readonly ClusterInstance[]): ClusterBundle[] {
  const byBundle = new Map<string, ClusterInstance[]>();
  for (const instance of instances) {
    const list = byBundle.get(instance.bundleId) ?? [];
    list.push(instance);
    byBundle.set(instance.bundleId, list);
  }
  return [...byBundle.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bundleId, list]) => ({
      bundleId,
      instances: list.sort((a, b) => a.instanceId.localeCompare(b.instanceId)),
    }));
}
