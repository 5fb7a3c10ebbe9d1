/** Base of everything that travels as a message: commands, events, queries, views. */
export abstract class Payload {}

/** A request to change something. */
export abstract class Command extends Payload {}

/** A command for an aggregate. Commands with one lock id never run at the same time. */
export abstract class DomainCommand extends Command {
  /** The id of the aggregate this command is for. */
  abstract getAggregateId(): string;

  /** Commands sharing a lock id are serialized; defaults to the aggregate id. */
  getLockId(): string | undefined {
    return this.getAggregateId();
  }
}

/** A command for a service. Serialized only when `getLockId()` returns an id. */
export abstract class ServiceCommand extends Command {
  /** Commands sharing a lock id are serialized; a service command has none unless you override this. */
  getLockId(): string | undefined {
    return undefined;
  }
}

/** Something that happened. Stored in the event store and read by consumers. */
export abstract class Event extends Payload {
  /** The context the event belongs to; consumers can subscribe to some contexts only. */
  getContext(): string {
    return 'default';
  }
}

/** An event produced by an aggregate. */
export abstract class DomainEvent extends Event {}

/** An event produced by a service. */
export abstract class ServiceEvent extends Event {}

/** A read-side answer. */
export abstract class View extends Payload {}

/** Base of the two query response shapes. */
export abstract class QueryResponse<V> {
  /** Which shape: one view (`single`) or a list (`multiple`). */
  abstract readonly kind: 'single' | 'multiple';
  /** Type-level only: carries `V` for inference, never set at run time. @internal */
  declare readonly __view?: V;
}

/** A response holding one view. */
export class Single<V> extends QueryResponse<V> {
  /** Always `single`. */
  readonly kind = 'single' as const;
  private constructor(
    /** The view. */
    readonly data: V,
  ) {
    super();
  }

  /** A response holding `view`. */
  static of<V>(view: V): Single<V> {
    return new Single(view);
  }
}

/** A response holding a list of views. */
export class Multiple<V> extends QueryResponse<V> {
  /** Always `multiple`. */
  readonly kind = 'multiple' as const;
  private constructor(
    /** The views, in the order the handler gave them. */
    readonly data: V[],
  ) {
    super();
  }

  /** A response holding `views` (possibly none). */
  static of<V>(views: V[]): Multiple<V> {
    return new Multiple(views);
  }
}

/** A question for a projection; `R` is the response it gets (`Single<V>` or `Multiple<V>`). */
export abstract class Query<R extends QueryResponse<unknown> = QueryResponse<unknown>> extends Payload {
  /** Type-level only: carries `R` so that `queryGateway.query(q)` is typed; never set at run time. @internal */
  declare readonly __response?: R;
}
