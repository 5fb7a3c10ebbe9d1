/**
 * Runs worker.ts in a child process (a real one, so SIGKILL means what it means in production)
 * and talks to it over IPC.
 *
 * Start-up time matters (the kill test starts a dozen workers per database): loading worker.ts
 * through ts-node (`node -r ts-node/register/transpile-only`) transpiles some 80 files on every
 * start, about 1.5 s. So {@link WorkerBuild} transpiles worker.ts and the modules it imports
 * once per test file, with the same per-file transpilation ts-node's transpile-only mode uses, into
 * a temporary folder, and workers start from there in a few hundred milliseconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import type { ConsumerReport } from '../../src';
import type { Place } from './databases';

/** What a worker is told at start. */
export interface WorkerConfig {
  readonly place: Place;
  readonly bundleId: string;
  readonly instanceId: string;
  readonly leaseTtlMs: number;
  /** Names in ledgerProjectors. */
  readonly projectors: readonly string[];
  /** Per-event delay of the ledger (ms). */
  readonly delayMs: number;
  /** Send an 'applied' message for every event written (before its transaction commits). */
  readonly reportApplied: boolean;
}

/** What the parent asks a worker: a report, to wait until idle, to stop, or to send deposits. */
export type WorkerRequest =
  | { readonly id: number; readonly type: 'report' | 'idle' | 'stop' }
  | {
      readonly id: number;
      readonly type: 'deposit';
      /** Deposits of 1 to send to this account, `concurrency` at a time. */
      readonly accountId: string;
      readonly count: number;
      readonly concurrency: number;
      /** Deposit k (from 0) carries the idempotency key `${keyPrefix}-${k}`; default its message id. */
      readonly keyPrefix?: string | undefined;
    };

/** What a worker tells its parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'applied'; readonly sequenceNumber: number }
  | { readonly type: 'error'; readonly where: string; readonly message: string }
  | { readonly type: 'report'; readonly id: number; readonly consumers: ConsumerReport[] }
  | { readonly type: 'idle'; readonly id: number }
  | {
      readonly type: 'deposited';
      readonly id: number;
      /** The bundle's conflict retries by aggregate type, after the deposits. */
      readonly conflictRetries: Readonly<Record<string, number>>;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

const ROOT = resolve(__dirname, '..', '..');
const WORKER = join(__dirname, 'worker.ts');

/** worker.ts and everything it imports from this repository, transpiled to JavaScript. */
export class WorkerBuild {
  private constructor(
    private readonly dir: string,
    /** The compiled worker.ts. */
    readonly entry: string,
  ) {}

  /** Transpiles worker.ts and, following their relative imports, the modules it needs. */
  static compile(): WorkerBuild {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const compilerOptions: ts.CompilerOptions = {
      ...options,
      module: ts.ModuleKind.CommonJS,
      sourceMap: false,
      declaration: false,
      noEmit: false,
    };
    const dir = mkdtempSync(join(tmpdir(), 'evento-sql-worker-'));
    const done = new Set<string>();
    const pending = [WORKER];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (done.has(file)) continue;
      done.add(file);
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions,
        fileName: file,
      });
      const target = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
      for (const [, specifier] of outputText.matchAll(/require\("(\.{1,2}\/[^"]*)"\)/g)) {
        const base = resolve(dirname(file), specifier as string);
        const source = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (source === undefined)
          throw new Error(`${file} imports ${specifier as string}, which is not a .ts module`);
        pending.push(source);
      }
    }
    return new WorkerBuild(dir, join(dir, relative(ROOT, WORKER)).replace(/\.ts$/, '.js'));
  }

  /** Removes the transpiled files. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A running worker process. */
export class WorkerProcess {
  /** Every message received, in order. */
  readonly messages: WorkerMessage[] = [];
  /** The highest sequence number reported 'applied' (written, maybe not committed). */
  lastApplied = 0;
  /** Every sequence number reported 'applied', in the order written (rolled back ones included). */
  readonly applied: number[] = [];
  /** Resolves with the exit code and signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private output = '';
  private nextId = 1;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
        this.wake();
      }),
    );
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'applied') {
        this.lastApplied = Math.max(this.lastApplied, message.sequenceNumber);
        this.applied.push(message.sequenceNumber);
      } else this.messages.push(message);
      this.wake();
    });
  }

  /** Starts a worker from `build` with `config`. */
  static start(build: WorkerBuild, config: WorkerConfig): WorkerProcess {
    const child = spawn(process.execPath, [build.entry], {
      cwd: ROOT,
      // The build lives outside the repository: let it find the packages in node_modules.
      env: {
        ...process.env,
        NODE_PATH: join(ROOT, 'node_modules'),
        EVENTO_SQL_WORKER: JSON.stringify(config),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new WorkerProcess(child, config.instanceId);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process printed (the last 20,000 characters), for failure messages. */
  get log(): string {
    return this.output;
  }

  /** Errors the bundle reported to its error handler. */
  errors(): string[] {
    return this.messages.flatMap((m) => (m.type === 'error' ? [`${m.where}: ${m.message}`] : []));
  }

  /** Resolves once `condition` holds (checked on every message), or rejects after `timeoutMs`. */
  async until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`worker ${this.name} exited while waiting for ${what}:\n${this.output}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`worker ${this.name}: no ${what} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 200));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Resolves once the bundle has started. */
  ready(timeoutMs = 30_000): Promise<void> {
    return this.until(() => this.messages.some((m) => m.type === 'ready'), 'ready message', timeoutMs);
  }

  /** The bundle's consumers() report. */
  async report(): Promise<ConsumerReport[]> {
    const reply = await this.request({ type: 'report' });
    return reply.type === 'report' ? reply.consumers : [];
  }

  /** Resolves once every consumer running in the worker has caught up with the head. */
  async idle(timeoutMs = 60_000): Promise<void> {
    await this.request({ type: 'idle' }, timeoutMs);
  }

  /** Sends `count` Deposit commands to `accountId`, `concurrency` at a time; resolves to the bundle's conflict retries. */
  async deposit(
    accountId: string,
    count: number,
    concurrency: number,
    timeoutMs = 60_000,
    keyPrefix?: string,
  ): Promise<Readonly<Record<string, number>>> {
    const reply = await this.request(
      { type: 'deposit', accountId, count, concurrency, keyPrefix },
      timeoutMs,
    );
    return reply.type === 'deposited' ? reply.conflictRetries : {};
  }

  /** Stops the bundle gracefully and waits for the process to exit. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const request: WorkerRequest = { id: this.nextId++, type: 'stop' };
    this.child.send(request);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`worker ${this.name} did not stop within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
    });
    const { code, signal } = await Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
    if (code !== 0)
      throw new Error(`worker ${this.name} stopped with ${signal ?? `code ${code}`}:\n${this.output}`);
  }

  /** SIGKILL: no cleanup, no release of leases, an open transaction cut off. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private async request(
    body: DistributiveOmit<WorkerRequest, 'id'>,
    timeoutMs = 30_000,
  ): Promise<WorkerMessage> {
    const id = this.nextId++;
    const type = body.type;
    const request = { ...body, id } as WorkerRequest;
    this.child.send(request);
    let reply: WorkerMessage | undefined;
    await this.until(
      () => {
        reply = this.messages.find((m) => 'id' in m && m.id === id);
        return reply !== undefined;
      },
      `a reply to '${type}'`,
      timeoutMs,
    );
    if (reply?.type === 'failed') throw new Error(`worker ${this.name} failed '${type}': ${reply.message}`);
    return reply as WorkerMessage;
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const done of waiters) done();
  }
}
