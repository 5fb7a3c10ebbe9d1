/** A small counter domain for the fixture tests: clock-stamped events, a constructor dependency, gateways, bugs on purpose. */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  CommandGateway,
  DomainCommand,
  DomainEvent,
  EventSourcingHandler,
  Query,
  QueryGateway,
  ServiceCommand,
  Single,
} from 'evento-ts';

export class CreateCounter extends DomainCommand {
  constructor(readonly id: string) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

export class Increment extends DomainCommand {
  constructor(
    readonly id: string,
    readonly by = 1,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

/** Its handler mutates the state it is given: an illegal state change. */
export class IncrementSloppily extends DomainCommand {
  constructor(readonly id: string) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

/** Its handler asks a projection for the limit and tells a service. */
export class IncrementChecked extends DomainCommand {
  constructor(
    readonly id: string,
    readonly by: number,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

export class Tag {
  constructor(readonly label: string) {}
}

export class TagCounter extends DomainCommand {
  constructor(
    readonly id: string,
    readonly label: string,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

export class RemoveCounter extends DomainCommand {
  constructor(readonly id: string) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

export class CounterCreated extends DomainEvent {
  constructor(
    readonly id: string,
    readonly at: Date,
  ) {
    super();
  }
}

export class Incremented extends DomainEvent {
  constructor(
    readonly id: string,
    readonly by: number,
  ) {
    super();
  }
}

/** Holds a nested class instance: it survives serialization only when Tag is registered. */
export class Tagged extends DomainEvent {
  constructor(
    readonly id: string,
    readonly tag: Tag,
  ) {
    super();
  }
}

export class CounterRemoved extends DomainEvent {
  constructor(readonly id: string) {
    super();
  }
}

export class CounterState extends AggregateState {
  count = 0;
  createdAt: Date | undefined;
  lastChangeAt: Date | undefined;
  tags: Tag[] = [];
}

/** The counter's constructor dependency. */
export class Limits {
  constructor(readonly max: number) {}
}

export class FindLimit extends Query<Single<number>> {
  constructor(readonly id: string) {
    super();
  }
}

export class NotifyLimitNear extends ServiceCommand {
  constructor(
    readonly id: string,
    readonly count: number,
  ) {
    super();
  }
}

export class LimitExceededError extends Error {
  constructor(
    readonly id: string,
    readonly limit: number,
  ) {
    super(`Counter ${id} cannot go above ${limit}`);
    this.name = 'LimitExceededError';
  }
}

@Aggregate()
export class CounterAggregate {
  constructor(private readonly limits: Limits) {}

  @AggregateCommandHandler({ init: true })
  create(command: CreateCounter, now: Date): CounterCreated {
    return new CounterCreated(command.id, now);
  }

  @AggregateCommandHandler()
  increment(command: Increment, state: CounterState): Incremented {
    if (state.count + command.by > this.limits.max) throw new LimitExceededError(command.id, this.limits.max);
    return new Incremented(command.id, command.by);
  }

  @AggregateCommandHandler()
  sloppy(command: IncrementSloppily, state: CounterState): Incremented {
    state.count += 100;
    return new Incremented(command.id, 1);
  }

  @AggregateCommandHandler()
  async checked(
    command: IncrementChecked,
    state: CounterState,
    commands: CommandGateway,
    queries: QueryGateway,
  ): Promise<Incremented> {
    const limit = await queries.query(new FindLimit(command.id));
    const next = state.count + command.by;
    if (next > limit.data) throw new LimitExceededError(command.id, limit.data);
    if (next === limit.data) await commands.send(new NotifyLimitNear(command.id, next));
    return new Incremented(command.id, command.by);
  }

  @AggregateCommandHandler()
  tag(command: TagCounter): Tagged {
    return new Tagged(command.id, new Tag(command.label));
  }

  @AggregateCommandHandler()
  remove(command: RemoveCounter): CounterRemoved[] {
    return [new CounterRemoved(command.id)];
  }

  @EventSourcingHandler()
  onCreated(event: CounterCreated): CounterState {
    const state = new CounterState();
    state.createdAt = event.at;
    return state;
  }

  @EventSourcingHandler()
  onIncremented(event: Incremented, state: CounterState, at: Date): void {
    state.count += event.by;
    state.lastChangeAt = at;
  }

  @EventSourcingHandler()
  onTagged(event: Tagged, state: CounterState): void {
    state.tags = [...state.tags, event.tag];
  }

  @EventSourcingHandler()
  onRemoved(_event: CounterRemoved, state: CounterState): void {
    state.setDeleted(true);
  }
}
