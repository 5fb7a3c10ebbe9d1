/** Reading the component under test through the real registry, and building it with its dependencies. */
import { container as rootContainer, type InjectionToken } from 'tsyringe';
import { ConfigurationError, InvalidArgumentError } from '../errors';
import { CommandGateway } from '../gateway/commandGateway';
import { QueryGateway } from '../gateway/queryGateway';
import type { ComponentKind } from '../internal/reflection';
import { describe, type Class } from '../internal/types';
import { ComponentRegistry } from '../registry/componentRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import type { RecordingGateways } from './recordingGateways';

/**
 * Values the component's constructor takes: instances registered under their own class, or a
 * map from injection token (class, string or symbol) to value.
 */
export type Resources = readonly object[] | ReadonlyMap<InjectionToken<unknown>, unknown>;

/** A component class: any class, whatever its constructor takes. */
export type ComponentClass = abstract new (...args: never[]) => unknown;

/** Options every fixture's `of()` takes. */
export interface FixtureOptions {
  /** The constructor's dependencies (`registerInjectableResource` adds more). */
  readonly resources?: Resources;
  /**
   * Classes to register for serialization besides the component's own payloads: classes of
   * nested values, events the component does not handle (as `registerPayloads` in the bundle).
   */
  readonly payloads?: readonly Class[];
}

const decorators: Readonly<Record<ComponentKind, string>> = {
  aggregate: '@Aggregate',
  service: '@Service',
  projection: '@Projection',
  invoker: '@Invoker',
  projector: '@Projector',
  saga: '@Saga',
  observer: '@Observer',
};

/**
 * Validates `type` with the runtime's own registry (so a misdeclared component throws the same
 * ComponentDefinitionError a bundle would) and checks it is of a kind the fixture tests.
 */
export function readComponent(
  fixture: string,
  type: unknown,
  kinds: readonly ComponentKind[],
  payloads: readonly Class[] = [],
): { registry: ComponentRegistry; descriptor: ComponentDescriptor } {
  const registry = new ComponentRegistry([type], payloads);
  const descriptor = registry.components[0];
  if (descriptor === undefined) {
    throw new InvalidArgumentError(`${fixture}.of() got ${describe(type)}, which is not a component.`);
  }
  if (!kinds.includes(descriptor.kind)) {
    throw new InvalidArgumentError(
      `${fixture}.of(${descriptor.name}): ${descriptor.name} is a ${decorators[descriptor.kind]}, and ${fixture} tests ` +
        `${kinds.map((k) => decorators[k]).join(' and ')} components; use ${fixtureFor(descriptor.kind)}.`,
    );
  }
  return { registry, descriptor };
}

/** Injectable values for a component's constructor, by token. */
export class ResourceSet {
  private readonly entries = new Map<InjectionToken<unknown>, unknown>();

  /** Registers each of `resources` (instances under their class, or a map's entries under their token). */
  constructor(resources: Resources | undefined) {
    if (resources === undefined) return;
    if (resources instanceof Map) {
      const byToken = resources as ReadonlyMap<InjectionToken<unknown>, unknown>;
      for (const [token, value] of byToken) this.add(token, value);
      return;
    }
    for (const instance of resources as readonly object[]) {
      if (typeof instance !== 'object' || instance === null) {
        throw new InvalidArgumentError(
          `resources takes object instances (each registered under its own class), got ${describe(instance)}; ` +
            'pass a Map to register values under other tokens.',
        );
      }
      this.add((instance as { constructor: new () => unknown }).constructor, instance);
    }
  }

  /** Registers `value` under `token`; a later value for the same token replaces it. */
  add(token: InjectionToken<unknown>, value: unknown): void {
    this.entries.set(token, value);
  }

  /** A copy, so later registrations do not change a scenario already set up. */
  clone(): ResourceSet {
    return new ResourceSet(new Map(this.entries));
  }

  /** A new instance of the component, its dependencies resolved from the resources and the gateways. */
  construct(descriptor: ComponentDescriptor, gateways: RecordingGateways): object {
    const scope = rootContainer.createChildContainer();
    scope.registerInstance(CommandGateway, gateways.commandGateway);
    scope.registerInstance(QueryGateway, gateways.queryGateway);
    for (const [token, value] of this.entries) scope.register(token, { useValue: value });
    try {
      return scope.resolve(descriptor.type) as object;
    } catch (cause) {
      throw new ConfigurationError(
        `Cannot construct ${descriptor.name} in the test fixture: ${(cause as Error).message}. ` +
          'Give the fixture its constructor dependencies with registerInjectableResource(token, value) or the { resources } option.',
        { cause, context: { component: descriptor.name } },
      );
    }
  }
}

function fixtureFor(kind: ComponentKind): string {
  if (kind === 'aggregate') return 'AggregateTestFixture';
  if (kind === 'saga') return 'SagaTestFixture';
  if (kind === 'projector' || kind === 'observer') return 'ProjectorTestFixture';
  return 'the bundle (EventoBundle with in-memory stores) to test it';
}
