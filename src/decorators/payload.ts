import { definePayloadName } from '../internal/reflection';
import type { Class } from '../internal/types';

/**
 * Gives a payload or state class an explicit stored name (default: the class name). Use it to
 * rename a class without breaking stored events, or to tell apart two classes with one name.
 */
export function PayloadName(name: string): ClassDecorator {
  return (target) => definePayloadName(target as unknown as Class, name);
}
