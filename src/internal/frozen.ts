/**
 * `record` itself when it is a frozen plain object (nobody can change it under us), else a frozen
 * copy of it: what a holder of shared string maps (metadata) keeps.
 */
export function frozenRecord<T extends object>(record: T): Readonly<T> {
  return Object.isFrozen(record) && Object.getPrototypeOf(record) === Object.prototype
    ? record
    : Object.freeze({ ...record });
}
