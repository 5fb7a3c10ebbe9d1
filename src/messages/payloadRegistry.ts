import { EventoError, PayloadNameConflictError, SerializationError, UnknownPayloadError } from '../errors';
import { getPayloadName } from '../internal/reflection';
import type { Class } from '../internal/types';
import { decode, encode, type ClassNames } from './json';

/**
 * Maps payload (and state) classes to their names and back, and turns instances into JSON and
 * back into instances of their own class, without calling constructors. A name defaults to the
 * class name; `@PayloadName('name')` sets another.
 */
export class PayloadRegistry implements ClassNames {
  private readonly byName = new Map<string, Class>();
  private readonly byClass = new Map<Function, string>();

  /** Registers `ctor`; registering the same class twice is harmless, two classes with one name is not. */
  register(ctor: Class): string {
    const known = this.byClass.get(ctor);
    if (known !== undefined) return known;
    const name = getPayloadName(ctor) ?? ctor.name;
    const other = this.byName.get(name);
    if (other !== undefined && other !== ctor) {
      throw new PayloadNameConflictError(
        `Two different classes are both named '${name}': ${other.name} was registered first and another class ${ctor.name} claims the same name; ` +
          `payloads are stored and routed by name, so rename one or give one an explicit name with @PayloadName('...').`,
        { context: { name } },
      );
    }
    this.byName.set(name, ctor);
    this.byClass.set(ctor, name);
    return name;
  }

  /** True when `ctor` is registered. */
  has(ctor: Function): boolean {
    return this.byClass.has(ctor);
  }

  /** The name `ctor` is registered under, or undefined. */
  nameOf(ctor: Function): string | undefined {
    return this.byClass.get(ctor);
  }

  /** The name `ctor` has or would have when registered (a class handled in another bundle is not registered here). */
  nameFor(ctor: Function): string {
    return this.byClass.get(ctor) ?? getPayloadName(ctor as Class) ?? ctor.name;
  }

  /** The name of the class of `payload`; throws when the class is not registered. */
  nameOfInstance(payload: object): string {
    const name = this.byClass.get(payload.constructor);
    if (name === undefined) {
      throw new UnknownPayloadError(
        `${payload.constructor.name} is not a registered payload: no handler in this bundle takes or produces it. ` +
          `Add a component that handles it, or register it with EventoBundle.builder().registerPayloads([...]).`,
        { context: { className: payload.constructor.name } },
      );
    }
    return name;
  }

  /** The class registered under `name`; throws UnknownPayloadError when there is none. */
  classOf(name: string): Class {
    const ctor = this.byName.get(name);
    if (ctor === undefined) {
      throw new UnknownPayloadError(
        `No class is registered under the payload name '${name}' (known: ${[...this.byName.keys()].slice(0, 20).join(', ') || 'none'}). ` +
          `Add the class to a component's handler, or register it with registerPayloads([...]); if it was renamed, give the new class @PayloadName('${name}').`,
        { context: { name } },
      );
    }
    return ctor;
  }

  /** The JSON the stores keep for `payload`, tagging Date, Map, Set and instances of registered classes so that they come back. Instances of unregistered classes come back as plain objects; throws SerializationError on cycles and BigInts. */
  serialize(payload: unknown): string {
    try {
      return encode(payload, this);
    } catch (cause) {
      if (cause instanceof EventoError) throw cause;
      const what = (payload as object | undefined)?.constructor?.name ?? typeof payload;
      throw new SerializationError(
        `Cannot serialize ${what} as JSON: ${String(cause)}; remove cycles, functions and BigInts from it.`,
        {
          cause,
        },
      );
    }
  }

  /**
   * Revives `json` as an instance of the class registered under `name`. Throws
   * UnknownPayloadError, UnsafePayloadError or SerializationError (see safeRevive.ts), never
   * returns anything but an instance of that class.
   */
  deserialize<T = unknown>(name: string, json: string): T {
    return decode(json, this, this.classOf(name)) as T;
  }
}
