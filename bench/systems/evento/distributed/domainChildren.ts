import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildSettings, FromChild, ToChild } from './childProtocol';
import type { StampRecord } from './stamps';

/** What the children report after a run: their stamps, CPU time and peak RSS. */
export interface ChildrenReport {
  readonly stamps: Record<string, StampRecord>;
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

const START_TIMEOUT_MS = 120_000;

/**
 * Domain instances in child processes (bench/distributedChild.ts), started with `fork`. With
 * `EVENTO_BENCH_CPU_PROF=<dir>`, each writes a V8 CPU profile there when it exits.
 */
export class DomainChildren {
  private constructor(private readonly children: readonly ChildProcess[]) {}

  /** Starts one child per settings and resolves once every one is bound to its bus. */
  static async start(settings: readonly ChildSettings[]): Promise<DomainChildren> {
    const profile = process.env.EVENTO_BENCH_CPU_PROF;
    const script = join(__dirname, '..', '..', '..', 'distributedChild.ts');
    const children = settings.map((s) =>
      fork(script, [JSON.stringify(s)], {
        execArgv: [
          '-r',
          'ts-node/register/transpile-only',
          ...(profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profile]),
        ],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const started = new DomainChildren(children);
    try {
      // Each join rebalances the group and completes once every member rejoined: when the last
      // child is ready, every one of them holds its share of the partitions.
      await Promise.all(children.map((child) => next(child, 'ready', START_TIMEOUT_MS)));
    } catch (error) {
      await started.stop().catch(() => undefined);
      throw error;
    }
    return started;
  }

  /** Collects every child's stamps since the last drain. */
  async drain(): Promise<ChildrenReport> {
    const reports = await Promise.all(
      this.children.map((child) => {
        const reply = next(child, 'stamps', 30_000);
        child.send({ kind: 'drain' } satisfies ToChild);
        return reply;
      }),
    );
    const stamps: Record<string, StampRecord> = {};
    let cpuMs = 0;
    let peakRssMb = 0;
    for (const report of reports) {
      if (report.kind !== 'stamps') continue;
      Object.assign(stamps, report.stamps);
      cpuMs += report.cpuMs;
      peakRssMb = Math.max(peakRssMb, report.peakRssMb);
    }
    return { stamps, cpuMs, peakRssMb };
  }

  /** Stops every child's bundle and bus, and waits for the processes to exit. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || !child.connected) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ kind: 'stop' } satisfies ToChild);
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** The child's next message of `kind`; rejects on a failure, an exit or after `timeoutMs`. */
function next(child: ChildProcess, kind: FromChild['kind'], timeoutMs: number): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: FromChild): void => {
      if (message.kind === kind) {
        done();
        resolve(message);
      } else if (message.kind === 'failed') {
        done();
        reject(new Error(`a domain child failed: ${message.error}`));
      }
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`a domain child exited (code ${String(code)}) before '${kind}'`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`a domain child sent no '${kind}' within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
