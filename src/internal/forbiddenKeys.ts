/**
 * Keys refused anywhere in data the framework revives or stores (payloads, states, metadata):
 * they would let data choose an object's prototype or constructor.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
