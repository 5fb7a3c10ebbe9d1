import {
  CommandHandler,
  EventoBundle,
  Service,
  ServiceCommand,
  ServiceEvent,
  HandlerReturnError,
} from '../../src';

class Reserve extends ServiceCommand {
  constructor(
    readonly sku: string,
    readonly locked: boolean,
  ) {
    super();
  }
  override getLockId(): string | undefined {
    return this.locked ? this.sku : undefined;
  }
}
class Reserved extends ServiceEvent {
  constructor(readonly sku: string) {
    super();
  }
}
class Broken extends ServiceCommand {}

let running = 0;
let maxRunning = 0;

@Service()
class Inventory {
  @CommandHandler()
  async reserve(command: Reserve): Promise<Reserved> {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return new Reserved(command.sku);
  }

  @CommandHandler()
  broken(_command: Broken): unknown {
    return { not: 'an event' };
  }
}

describe('services', () => {
  it('serializes commands with one lock id and runs unlocked ones concurrently', async () => {
    const bundle = await EventoBundle.builder().setBundleId('shop').setComponents([Inventory]).start();
    maxRunning = 0;
    await Promise.all(
      Array.from({ length: 5 }, () => bundle.commandGateway.send(new Reserve('sku-1', true))),
    );
    expect(maxRunning).toBe(1);
    maxRunning = 0;
    await Promise.all(
      Array.from({ length: 5 }, () => bundle.commandGateway.send(new Reserve('sku-1', false))),
    );
    expect(maxRunning).toBe(5);
    await bundle.stop();
  });

  it('refuses a handler result that is not a service event', async () => {
    const bundle = await EventoBundle.builder().setBundleId('shop').setComponents([Inventory]).start();
    await expect(bundle.commandGateway.send(new Broken())).rejects.toThrow(HandlerReturnError);
    expect(await bundle.eventStore.headSequence()).toBe(0);
    await bundle.stop();
  });
});
