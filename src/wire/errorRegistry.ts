import * as frameworkErrors from '../errors/errors';
import { ConfigurationError } from '../errors';
import { EventoError } from '../errors/eventoError';
import { describe, isSubclassOf, type Class } from '../internal/types';

/**
 * The allow-list of error classes that an error received from another process is re-created as:
 * the framework's own errors always, plus the ones a bundle registers with
 * `registerErrors([...])`. A class is found by the name its error carried; nothing is ever loaded
 * by that name, so an unlisted name becomes a `RemoteHandlerError`.
 */
export class ErrorRegistry {
  private readonly byName = new Map<string, Class<Error>>();

  constructor(classes: readonly unknown[] = []) {
    for (const value of Object.values(frameworkErrors)) {
      if (isSubclassOf(value, EventoError) && value !== EventoError) this.add(value, 'framework');
    }
    for (const ctor of classes) this.register(ctor);
  }

  /** Adds an application error class; refuses what is not an Error subclass, and a second class with a registered name. */
  register(ctor: unknown): void {
    if (!isSubclassOf(ctor, Error) || ctor === Error) {
      throw new ConfigurationError(
        `registerErrors() takes error classes (subclasses of Error), got ${describe(ctor)}; pass the class itself, e.g. registerErrors([TodoListNotFoundError]).`,
        { context: { given: describe(ctor) } },
      );
    }
    this.add(ctor as Class<Error>, 'application');
  }

  /** The class registered under `name`, or undefined. */
  classOf(name: string): Class<Error> | undefined {
    return this.byName.get(name);
  }

  /** The name an instance of `ctor` travels under: its class name. */
  nameOf(ctor: Function): string {
    return ctor.name;
  }

  private add(ctor: Class<Error>, origin: 'framework' | 'application'): void {
    const name = ctor.name;
    const other = this.byName.get(name);
    if (other === ctor) return;
    if (other !== undefined || name === '') {
      throw new ConfigurationError(
        name === ''
          ? 'registerErrors() got an anonymous class: errors travel by class name, so give the class a name.'
          : `Two error classes are named '${name}' (one is ${origin === 'application' && isSubclassOf(other, EventoError) ? "the framework's own" : 'registered already'}): ` +
              'errors travel between processes by class name, so rename one of them.',
        { context: { name } },
      );
    }
    this.byName.set(name, ctor);
  }
}
