import {
  Aggregate,
  AggregateCommandHandler,
  ComponentDefinitionError,
  ComponentRegistry,
  DomainCommand,
  DomainEvent,
  EventSourcingHandler,
  Projection,
  QueryHandler,
  Service,
  CommandHandler,
  ServiceCommand,
  Single,
  Query,
  EventHandler,
  Projector,
  AggregateState,
  ServiceEvent,
} from '../../src';
// A type-only import, as a user may write it: decorator metadata records such a class as Function.
import type { PublishedEvent } from '../../src';
import { AccountAggregate, Deposit, FindAccount, OpenAccount } from '../domain/bank';

class Ping extends DomainCommand {
  getAggregateId(): string {
    return 'p';
  }
}
class Pinged extends DomainEvent {}
class Ponged extends DomainEvent {}

function problemsOf(classes: unknown[]): string[] {
  try {
    new ComponentRegistry(classes);
  } catch (error) {
    expect(error).toBeInstanceOf(ComponentDefinitionError);
    return (error as ComponentDefinitionError).problems.map(
      (p) => `${p.component}${p.method ? '.' + p.method : ''}: ${p.problem}; ${p.fix}`,
    );
  }
  return [];
}

describe('component registry', () => {
  it('routes commands and queries by class identity', () => {
    @Projection()
    class Finder {
      @QueryHandler()
      find(_q: FindAccount): Single<string> {
        return Single.of('x');
      }
    }
    const registry = new ComponentRegistry([AccountAggregate, Finder]);
    expect(registry.commandHandler(OpenAccount)?.method).toBe('open');
    expect(registry.commandHandler(Deposit)?.method).toBe('deposit');
    expect(registry.queryHandler(FindAccount)?.component.type).toBe(Finder);
    class Deposit2 extends Deposit {}
    expect(registry.commandHandler(Deposit2)).toBeUndefined();
  });

  it('reports every problem at once, each with the class, method and fix', () => {
    @Aggregate()
    class NoInit {
      @AggregateCommandHandler()
      ping(_c: Ping): Pinged {
        return new Pinged();
      }
      @EventSourcingHandler()
      onPinged(_e: Pinged): void {}
    }
    @Aggregate()
    class MissingSourcing {
      @AggregateCommandHandler({ init: true })
      ping(_c: Ping): Ponged {
        return new Ponged();
      }
    }
    class Undecorated {}
    const problems = problemsOf([NoInit, MissingSourcing, Undecorated, 42]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^NoInit: has no init command handler.*@AggregateCommandHandler\(\{ init: true \}\)/,
        ),
        expect.stringMatching(
          /^MissingSourcing\.ping: returns Ponged, which has no @EventSourcingHandler in MissingSourcing; add an @EventSourcingHandler for Ponged/,
        ),
        expect.stringMatching(/^MissingSourcing\.ping: Ping is also handled by NoInit\.ping.*remove one/),
        expect.stringMatching(/^Undecorated: has no component decorator/),
        expect.stringMatching(/^number 42: is not a class/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('reports a handler whose payload type cannot be determined, and accepts it named explicitly', () => {
    class Cmd extends ServiceCommand {}
    class Svc {
      handle(_c: Cmd): void {}
    }
    // Decorators applied by hand, as a toolchain without decorator metadata leaves them.
    CommandHandler()(Svc.prototype, 'handle', Object.getOwnPropertyDescriptor(Svc.prototype, 'handle')!);
    Service()(Svc);
    expect(problemsOf([Svc])).toEqual([
      expect.stringMatching(
        /^Svc\.handle: the payload type cannot be determined.*@CommandHandler\(MyPayload\)/,
      ),
    ]);

    class Svc2 {
      handle(_c: Cmd): void {}
    }
    CommandHandler(Cmd)(Svc2.prototype, 'handle', Object.getOwnPropertyDescriptor(Svc2.prototype, 'handle')!);
    Service()(Svc2);
    expect(new ComponentRegistry([Svc2]).commandHandler(Cmd)?.method).toBe('handle');
  });

  it('asks for inject: [...] when further parameter types are unknown', () => {
    class Cmd extends ServiceCommand {}
    class Svc {
      handle(_c: Cmd, _m: unknown): void {}
    }
    CommandHandler(Cmd)(Svc.prototype, 'handle', Object.getOwnPropertyDescriptor(Svc.prototype, 'handle')!);
    Service()(Svc);
    expect(problemsOf([Svc])).toEqual([expect.stringMatching(/their types are unknown.*inject: \[\.\.\.\]/)]);
  });

  it('refuses a handler in the wrong kind of component, a payload of the wrong kind and a parameter it cannot inject', () => {
    class Q extends Query<Single<string>> {}
    class NotAnEvent {}
    @Aggregate()
    class Mixed {
      @AggregateCommandHandler({ init: true })
      ping(_c: Ping, _when: Date, _oops: Map<string, string>): Pinged {
        return new Pinged();
      }
      @EventSourcingHandler()
      onPinged(_e: Pinged): void {}
      @QueryHandler()
      q(_q: Q): Single<string> {
        return Single.of('');
      }
    }
    @Service()
    class WrongPayload {
      @CommandHandler()
      handle(_c: NotAnEvent): void {}
    }
    const problems = problemsOf([Mixed, WrongPayload]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Mixed\.ping: parameter 3 is declared as Map/),
        expect.stringMatching(/^Mixed\.q: @QueryHandler does not belong in a @Aggregate component/),
        expect.stringMatching(
          /^WrongPayload\.handle: takes NotAnEvent, which does not extend ServiceCommand/,
        ),
      ]),
    );
  });

  describe('mistakes caught at start, with the right fix', () => {
    it('names `import type` as the likely cause of a parameter declared as Function', () => {
      @Projector()
      class Counter {
        @EventHandler()
        on(_event: Pinged, _published: PublishedEvent): void {}
      }
      expect(problemsOf([Counter])).toEqual([
        expect.stringMatching(
          /^Counter\.on: parameter 2 is declared as Function \(what TypeScript records for a class brought in with `import type`.*import it as a value/,
        ),
      ]);
    });

    it('refuses an @AggregateCommandHandler declared to return void, a primitive or a non-domain event', () => {
      class Noted extends ServiceEvent {}
      @Aggregate()
      class Quiet {
        @AggregateCommandHandler({ init: true })
        ping(_c: Ping): void {}
        @EventSourcingHandler()
        onPinged(_e: Pinged): AggregateState {
          return new AggregateState();
        }
      }
      class Pong extends DomainCommand {
        getAggregateId(): string {
          return 'p';
        }
      }
      class Peng extends Pong {}
      @Aggregate()
      class Wrong {
        @AggregateCommandHandler({ init: true })
        pong(_c: Pong): string {
          return 'x';
        }
        @AggregateCommandHandler()
        peng(_c: Peng): Noted {
          return new Noted();
        }
        @EventSourcingHandler()
        onPinged(_e: Pinged): void {}
      }
      expect(problemsOf([Quiet, Wrong])).toEqual([
        expect.stringMatching(
          /^Quiet\.ping: is declared to return nothing \(`: void`, or no return type.*returns the event it decides; declare the event class it returns, e\.g\. `ping\(command: OpenAccount\): AccountOpened`/,
        ),
        expect.stringMatching(
          /^Wrong\.pong: is declared to return String, but an @AggregateCommandHandler returns a DomainEvent/,
        ),
        expect.stringMatching(
          /^Wrong\.peng: is declared to return Noted, but an @AggregateCommandHandler returns a DomainEvent/,
        ),
      ]);
    });

    it('refuses an @EventHandler on a command, pointing at the command handler decorators', () => {
      @Projector()
      class Listener {
        @EventHandler()
        on(_c: Ping): void {}
      }
      expect(problemsOf([Listener])).toEqual([
        'Listener.on: takes Ping, which does not extend Event; an @EventHandler takes an event; ' +
          'for a command use @CommandHandler (in a @Service) or @AggregateCommandHandler (in an @Aggregate)',
      ]);
    });

    it('refuses a @CommandHandler on a domain command, pointing at @AggregateCommandHandler', () => {
      @Service()
      class Svc {
        @CommandHandler()
        handle(_c: Ping): void {}
      }
      expect(problemsOf([Svc])).toEqual([
        expect.stringMatching(
          /^Svc\.handle: takes Ping, which does not extend ServiceCommand; Ping is a DomainCommand, which an @Aggregate handles with @AggregateCommandHandler/,
        ),
      ]);
    });

    it('without decorator metadata, reports only the undetermined payload of an init handler, not a missing init handler', () => {
      class Agg {
        create(_c: Ping): Pinged {
          return new Pinged();
        }
        onPinged(_e: Pinged): void {}
      }
      // Decorators applied by hand, as tsx or esbuild leave them: no design:paramtypes.
      const descriptor = (name: string): PropertyDescriptor =>
        Object.getOwnPropertyDescriptor(Agg.prototype, name)!;
      AggregateCommandHandler({ init: true })(Agg.prototype, 'create', descriptor('create'));
      EventSourcingHandler(Pinged)(Agg.prototype, 'onPinged', descriptor('onPinged'));
      Aggregate()(Agg);
      expect(problemsOf([Agg])).toEqual([
        expect.stringMatching(
          /^Agg\.create: the payload type cannot be determined.*@AggregateCommandHandler\(MyPayload\)/,
        ),
      ]);
    });
  });
});
