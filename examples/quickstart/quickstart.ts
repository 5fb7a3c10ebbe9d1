// The README's example: kept here so it compiles and is tested (test/docs/readme.unit.test.ts).
// #region quickstart
import 'reflect-metadata';
import { Aggregate, AggregateCommandHandler, AggregateState, DomainCommand, DomainEvent, EventHandler } from 'evento-ts';
import { EventSourcingHandler, EventoBundle, Projection, Projector, Query, QueryHandler, Single } from 'evento-ts';

class Increment extends DomainCommand { constructor(readonly id: string) { super(); } getAggregateId() { return this.id; } }
class Open extends Increment {}
class Opened extends DomainEvent { constructor(readonly id: string) { super(); } }
class Incremented extends DomainEvent { constructor(readonly id: string, readonly value: number) { super(); } }
class CounterState extends AggregateState { value = 0; }

@Aggregate() class Counter {
  @AggregateCommandHandler({ init: true }) open(c: Open): Opened { return new Opened(c.id); }
  @AggregateCommandHandler() increment(c: Increment, s: CounterState): Incremented { return new Incremented(c.id, s.value + 1); }
  @EventSourcingHandler() onOpened(_e: Opened): CounterState { return new CounterState(); }
  @EventSourcingHandler() onIncremented(e: Incremented, s: CounterState): void { s.value = e.value; }
}

const counts = new Map<string, number>(); // the read model
@Projector() class CounterProjector { @EventHandler() on(e: Incremented): void { counts.set(e.id, e.value); } }
class GetCount extends Query<Single<number>> { constructor(readonly id: string) { super(); } }
@Projection() class Counts { @QueryHandler() get(q: GetCount): Single<number> { return Single.of(counts.get(q.id) ?? 0); } }

export async function main(): Promise<number> {
  const bundle = await EventoBundle.builder().setBundleId('counters').setComponents([Counter, CounterProjector, Counts]).start();
  await bundle.commandGateway.send(new Open('c1'));
  await bundle.commandGateway.send(new Increment('c1'));
  await bundle.untilIdle(); // the projector has seen both events: read your writes
  const { data } = await bundle.queryGateway.query(new GetCount('c1'));
  console.log(`c1 = ${data}`); // c1 = 1
  await bundle.stop();
  return data;
}

if (require.main === module) void main(); // run as a script: prints c1 = 1
// #endregion quickstart
