import { container } from 'tsyringe';
import {
  CommandGateway,
  CommandHandler,
  EventHandler,
  EventoBundle,
  Observer,
  Projector,
  Saga,
  SagaEventHandler,
  SagaState,
  Service,
  ServiceCommand,
  ServiceEvent,
  TimeoutError,
} from '../../src';
import { rejectionOf } from '../support/waiting';

const STEPS = 5;

class Advance extends ServiceCommand {
  constructor(
    readonly chain: string,
    readonly step: number,
  ) {
    super();
  }
}

class Advanced extends ServiceEvent {
  constructor(
    readonly chain: string,
    readonly step: number,
  ) {
    super();
  }
}

class Seen {
  readonly byProjector: number[] = [];
  readonly byObserver: number[] = [];
  readonly bySaga: number[] = [];
  stall = false;
}

@Service()
class Stepper {
  @CommandHandler()
  advance(command: Advance): Advanced {
    return new Advanced(command.chain, command.step);
  }
}

class CascadeState extends SagaState {}

/** Each step's event makes the next step's command, after a pause: a cascade that takes a while. */
@Saga({ state: CascadeState })
class Cascade {
  constructor(private readonly seen: Seen) {}

  @SagaEventHandler({ init: true, associationProperty: 'chain' })
  async onAdvanced(event: Advanced, commands: CommandGateway): Promise<CascadeState> {
    this.seen.bySaga.push(event.step);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (event.step < STEPS) await commands.send(new Advance(event.chain, event.step + 1));
    return new CascadeState();
  }
}

@Projector()
class StepProjector {
  constructor(private readonly seen: Seen) {}

  @EventHandler({ retry: -1, retryDelay: 20 })
  onAdvanced(event: Advanced): void {
    if (this.seen.stall) throw new Error('the read model is down');
    this.seen.byProjector.push(event.step);
  }
}

@Observer()
class StepObserver {
  constructor(private readonly seen: Seen) {}

  @EventHandler()
  onAdvanced(event: Advanced): void {
    this.seen.byObserver.push(event.step);
  }
}

async function start(seen: Seen): Promise<EventoBundle> {
  const scope = container.createChildContainer();
  scope.registerInstance(Seen, seen);
  return EventoBundle.builder()
    .setBundleId('cascade')
    .setComponents([Stepper, Cascade, StepProjector, StepObserver])
    .setContainer(scope)
    .onError(() => undefined)
    .start();
}

describe('untilIdle', () => {
  it('waits for a five-step saga cascade to run through every consumer', async () => {
    const seen = new Seen();
    const bundle = await start(seen);
    await bundle.commandGateway.send(new Advance('c1', 1));
    await bundle.untilIdle();
    const all = [1, 2, 3, 4, 5];
    expect({ saga: seen.bySaga, projector: seen.byProjector, observer: seen.byObserver }).toEqual({
      saga: all,
      projector: all,
      observer: all,
    });
    await bundle.stop();
  });

  it('waits for a command still being handled when it is called', async () => {
    const seen = new Seen();
    const bundle = await start(seen);
    const sent = bundle.commandGateway.send(new Advance('c2', 4));
    await bundle.untilIdle();
    expect(seen.byProjector).toEqual([4, 5]);
    await sent;
    await bundle.stop();
  });

  it('with a timeout, rejects naming each consumer still behind, its offset and the head', async () => {
    const seen = new Seen();
    seen.stall = true;
    const bundle = await start(seen);
    await bundle.commandGateway.send(new Advance('c3', 5));
    const error = await rejectionOf(bundle.untilIdle({ timeoutMs: 200 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(
      /untilIdle\(\) timed out after 200 ms: cascade_StepProjector_1_\* at offset 0 of 1 \(failing: Error: the read model is down\)/,
    );
    expect((error as TimeoutError).context.behind).toEqual([
      { consumerId: 'cascade_StepProjector_1_*', offset: 0 },
    ]);
    seen.stall = false;
    await bundle.untilIdle({ timeoutMs: 5_000 });
    expect(seen.byProjector).toEqual([5]);
    await bundle.stop();
  });
});
