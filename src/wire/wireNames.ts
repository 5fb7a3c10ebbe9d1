/**
 * The class names the wire format tags nested values with, for sending and for the two kinds of
 * receiving: a request (strict: the receiving bundle's registry, an unknown name is refused) and a
 * reply (the caller's registry, an unknown name gives a plain object, see docs/messages.md).
 */
import { UnknownPayloadError } from '../errors';
import { getPayloadName } from '../internal/reflection';
import type { Class } from '../internal/types';
import type { ClassNames } from '../messages/safeRevive';
import { Multiple, Single } from '../messages/payloads';

/** Names of the framework's query responses on the wire (a dot keeps them apart from class names). */
const RESPONSE_CLASSES: ReadonlyMap<string, Class> = new Map<string, Class>([
  // Private constructors: never called, revival creates instances from the prototype.
  ['evento.Single', Single as unknown as Class],
  ['evento.Multiple', Multiple as unknown as Class],
]);

const RESPONSE_NAMES: ReadonlyMap<Function, string> = new Map(
  [...RESPONSE_CLASSES].map(([name, ctor]) => [ctor, name]),
);

/**
 * Names every class instance met while encoding, registered or not: its registered name, else
 * its `@PayloadName`, else its class name, so that the receiver can revive it with its own
 * classes even when the sender never registered it. Classes with a `toJSON` are left to it.
 */
export class SendingNames implements ClassNames {
  constructor(private readonly registry: ClassNames) {}

  nameOf(ctor: Function): string | undefined {
    const response = RESPONSE_NAMES.get(ctor);
    if (response !== undefined) return response;
    if (typeof (ctor.prototype as { toJSON?: unknown } | undefined)?.toJSON === 'function') return undefined;
    const name = this.registry.nameOf(ctor) ?? getPayloadName(ctor as Class) ?? ctor.name;
    return name === '' ? undefined : name;
  }

  classOf(name: string): Class {
    return this.registry.classOf(name);
  }
}

/**
 * The caller's classes for a reply: its registry and the query responses; a name it does not
 * know revives as a plain object holding the same fields (a reply goes to the caller, never to
 * a handler, and refusing it would turn an executed command into a failure).
 */
export class ReplyNames implements ClassNames {
  constructor(private readonly registry: ClassNames) {}

  nameOf(ctor: Function): string | undefined {
    return this.registry.nameOf(ctor);
  }

  classOf(name: string): Class {
    const response = RESPONSE_CLASSES.get(name);
    if (response !== undefined) return response;
    try {
      return this.registry.classOf(name);
    } catch (error) {
      if (error instanceof UnknownPayloadError) return Object;
      throw error;
    }
  }
}
