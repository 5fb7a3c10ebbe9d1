import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container, injectable } from 'tsyringe';
import {
  BundleStateError,
  ComponentDefinitionError,
  ConfigurationError,
  EventoBundle,
  InvalidArgumentError,
  InvocationHandler,
  Invoker,
} from '../../src';
import { AccountAggregate, OpenAccount } from '../domain/bank';

@injectable()
class Clock {
  now(): string {
    return 'tick';
  }
}

@Invoker()
class ClockInvoker {
  constructor(private readonly clock: Clock) {}
  @InvocationHandler()
  now(): string {
    return this.clock.now();
  }
}

describe('EventoBundle builder', () => {
  it('checks its settings with messages that say what to do', async () => {
    await expect(EventoBundle.builder().setComponents([AccountAggregate]).start()).rejects.toThrow(
      /setBundleId/,
    );
    await expect(EventoBundle.builder().setBundleId('b').start()).rejects.toThrow(/no components/);
    expect(() => EventoBundle.builder().setBundleId('has_underscore')).toThrow(ConfigurationError);
    expect(() => EventoBundle.builder().setLeaseTtl(-1)).toThrow(/whole number of at least/);
  });

  it('constructs components through the container, so constructor injection works', async () => {
    const bundle = await EventoBundle.builder().setBundleId('clock').setComponents([ClockInvoker]).start();
    expect(bundle.getInvoker(ClockInvoker).now()).toBe('tick');
    class Other {}
    expect(() => bundle.getInvoker(Other)).toThrow(InvalidArgumentError);
    await bundle.stop();
    expect(() => bundle.getInvoker(ClockInvoker)).toThrow(BundleStateError);
  });

  it('uses a child of the given container, leaving it untouched', async () => {
    const parent = container.createChildContainer();
    parent.registerInstance(Clock, { now: () => 'from parent' });
    const bundle = await EventoBundle.builder()
      .setBundleId('clock')
      .setComponents([ClockInvoker])
      .setContainer(parent)
      .start();
    expect(bundle.getInvoker(ClockInvoker).now()).toBe('from parent');
    expect(parent.isRegistered(ClockInvoker)).toBe(false);
    await bundle.stop();
  });

  it('reports component problems when starting', async () => {
    class Plain {}
    await expect(
      EventoBundle.builder().setBundleId('b').setComponents([Plain]).start(),
    ).rejects.toBeInstanceOf(ComponentDefinitionError);
  });

  it('finds the decorated classes exported under a base package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evento-scan-'));
    const src = join(__dirname, '..', '..', 'src');
    writeFileSync(
      join(dir, 'components.ts'),
      `import { Invoker, InvocationHandler } from ${JSON.stringify(src)};\n` +
        `@Invoker() export class ScannedInvoker { @InvocationHandler() hello(): string { return 'hi'; } }\n` +
        `export const notAComponent = 1;\n`,
    );
    writeFileSync(join(dir, 'ignored.test.ts'), 'throw new Error("tests are not imported");\n');
    const bundle = await EventoBundle.builder()
      .setBundleId('scan')
      .setBasePackage(dir)
      .setComponents([AccountAggregate])
      .start();
    expect(bundle.registry.components.map((c) => c.name).sort()).toEqual([
      'AccountAggregate',
      'ScannedInvoker',
    ]);
    await bundle.commandGateway.send(new OpenAccount('a', 'b'));
    await bundle.stop();
    await expect(
      EventoBundle.builder().setBundleId('scan').setBasePackage(join(dir, 'missing')).start(),
    ).rejects.toThrow(/cannot read/);
  });
});
