/**
 * Components made at run time for the start-up workload: aggregates, projections, projectors and
 * observers, each with payload classes of its own, decorated as the decorators would.
 */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  DomainEvent,
  EventHandler,
  EventSourcingHandler,
  Observer,
  PayloadName,
  Projection,
  Projector,
  Query,
  QueryHandler,
  Single,
} from '../../../src';

type Method = (...args: never[]) => unknown;

function decorate(target: object, method: string, decorator: MethodDecorator): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, method) as TypedPropertyDescriptor<Method>;
  decorator(target, method, descriptor);
}

function named<T extends Function>(type: T, name: string): T {
  Object.defineProperty(type, 'name', { value: name });
  return type;
}

/** `count` components (a quarter of each kind); names carry `tag` so bundles never share consumers. */
export function generateComponents(count: number, tag: string): Function[] {
  const components: Function[] = [];
  const quarter = Math.ceil(count / 4);
  const events: Function[] = [];
  for (let i = 0; i < quarter; i++) {
    class Create extends DomainCommand {
      constructor(readonly id: string) {
        super();
      }
      getAggregateId(): string {
        return this.id;
      }
    }
    class Created extends DomainEvent {
      constructor(readonly id: string) {
        super();
      }
    }
    class State extends AggregateState {}
    PayloadName(`Create${i}`)(Create);
    PayloadName(`Created${i}`)(Created);
    PayloadName(`State${i}`)(State);
    class Agg {
      create(command: Create): Created {
        return new Created(command.id);
      }
      created(_event: Created): State {
        return new State();
      }
    }
    decorate(Agg.prototype, 'create', AggregateCommandHandler(Create, { init: true }));
    decorate(Agg.prototype, 'created', EventSourcingHandler(Created));
    Aggregate({ state: State })(named(Agg, `Aggregate${i}${tag}`));
    components.push(Agg);
    events.push(Created);
  }
  for (let i = 0; i < quarter; i++) {
    class Find extends Query<Single<string>> {}
    PayloadName(`Find${i}`)(Find);
    class View {
      find(_query: Find): Single<string> {
        return Single.of('ok');
      }
    }
    decorate(View.prototype, 'find', QueryHandler(Find));
    Projection()(named(View, `Projection${i}${tag}`));
    components.push(View);
  }
  for (const [kind, decorator] of [
    ['Projector', Projector],
    ['Observer', Observer],
  ] as const) {
    for (let i = 0; i < quarter && components.length < count; i++) {
      const event = events[i % events.length] as new (...args: never[]) => DomainEvent;
      class Consumer {
        on(_event: DomainEvent): void {}
      }
      decorate(Consumer.prototype, 'on', EventHandler(event));
      decorator()(named(Consumer, `${kind}${i}${tag}`));
      components.push(Consumer);
    }
  }
  return components.slice(0, count);
}
