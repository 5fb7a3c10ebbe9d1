/**
 * Systems in processes of their own. The systems of a case otherwise share one process, and what
 * one of them does changes how fast the others run: V8 compiles the framework's shared code for
 * every path any system takes (a tracing agent's path makes the no-agent path's call sites
 * polymorphic), and SDKs install process-wide state (Sentry's and OpenTelemetry's context
 * managers). JMH forks a JVM per benchmark for the same reason ("profile pollution").
 *
 * The parent keeps alternating the systems run by run as for any case; each child sets its system
 * up once, then runs it when told, after a full garbage collection of its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { collectGarbage } from './collectGarbage';
import { sampled } from './measure';
import type { RunInfo, RunOutput, SystemName, SystemRun } from './types';

type Request = { readonly id: number; readonly kind: 'prepare' | 'run' | 'close'; readonly info?: RunInfo };
type Reply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly output?: RunOutput }
  | { readonly kind: 'failed'; readonly id?: number; readonly error: string };

/**
 * Starts `script` (a child that calls {@link serveSystem}) with `args` and resolves once its
 * system is set up; the SystemRun returned runs it there. The child's CPU time, wall time and peak
 * RSS of each run come back in the run's extra figures (`childCpuMs`, `childWallMs`,
 * `childPeakRssMb`), which the harness reports instead of the parent's.
 */
export function isolatedSystem(system: SystemName, script: string, args: unknown): Promise<SystemRun> {
  const child = fork(script, [JSON.stringify(args)], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(output?: RunOutput): void; reject(error: Error): void }>();
  let next = 0;
  let gone: Error | undefined;
  const fail = (error: Error): void => {
    gone ??= error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  child.on('exit', (code, signal) => fail(new Error(`${system}: its process exited (${signal ?? code})`)));
  child.on('error', fail);
  const ask = (kind: Request['kind'], info?: RunInfo): Promise<RunOutput | undefined> => {
    if (gone !== undefined) return Promise.reject(gone);
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      child.send({ id, kind, ...(info === undefined ? {} : { info }) } satisfies Request);
    });
  };
  return new Promise<SystemRun>((resolve, reject) => {
    child.once('exit', () => reject(gone ?? new Error(`${system}: its process exited`)));
    child.on('message', (reply: Reply) => {
      if (reply.kind === 'ready') {
        resolve({
          system,
          prepare: async (info) => void (await ask('prepare', info)),
          run: async (info) => (await ask('run', info)) as RunOutput,
          close: () => closeChild(child, () => ask('close')),
        });
        return;
      }
      if (reply.id === undefined) {
        kill(child);
        reject(
          new Error(
            `${system} failed to set up in its process: ${reply.kind === 'failed' ? reply.error : `an unexpected message, ${JSON.stringify(reply)}`}`,
          ),
        );
        return;
      }
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.kind === 'done') w?.resolve(reply.output);
      else w?.reject(new Error(reply.error));
    });
  });
}

/** Asks the child to close its system and exit; kills it if it has not exited within 30 s. */
async function closeChild(child: ChildProcess, ask: () => Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => kill(child), 30_000);
  ask().catch(() => undefined);
  await exited;
  clearTimeout(timer);
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * The child's side: sets up the system `create` makes, tells the parent it is ready, and serves
 * its requests until told to close (or the parent goes away), then exits.
 */
export function serveSystem(create: () => Promise<SystemRun>): void {
  const send = (reply: Reply): void => void process.send?.(reply);
  process.on('disconnect', () => process.exit(0));
  create().then(
    (run) => {
      process.on('message', (request: Request) => {
        void serve(run, request).then(send, (error: unknown) =>
          send({ kind: 'failed', id: request.id, error: describe(error) }),
        );
      });
      send({ kind: 'ready' });
    },
    (error: unknown) => {
      send({ kind: 'failed', error: describe(error) });
      process.disconnect?.();
    },
  );
}

async function serve(run: SystemRun, request: Request): Promise<Reply> {
  const info = request.info as RunInfo;
  if (request.kind === 'prepare') {
    await run.prepare?.(info);
    return { kind: 'done', id: request.id };
  }
  if (request.kind === 'close') {
    try {
      await run.close();
    } finally {
      setImmediate(() => process.disconnect?.());
    }
    return { kind: 'done', id: request.id };
  }
  return { kind: 'done', id: request.id, output: await measuredRun(run, info) };
}

/** One run, after a full garbage collection, with this process's CPU, wall time and peak RSS. */
async function measuredRun(run: SystemRun, info: RunInfo): Promise<RunOutput> {
  collectGarbage();
  const { result: output, wallMs, cpuMs, peakRssMb } = await sampled(() => run.run(info));
  // Untimed: the garbage of this run is collected now, not by V8's idle-time collector while the
  // next system runs in another process on the same cores.
  collectGarbage();
  return {
    ...output,
    durationMs: output.durationMs ?? wallMs,
    extra: { ...(output.extra ?? {}), childCpuMs: cpuMs, childWallMs: wallMs, childPeakRssMb: peakRssMb },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
