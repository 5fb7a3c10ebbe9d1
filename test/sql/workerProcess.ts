/**
 * Runs worker.ts in a child process (a real one, so SIGKILL means what it means in production)
 * and talks to it over IPC; {@link WorkerBuild} transpiles it once per test file (see
 * ScriptBuild).
 */
import { join } from 'node:path';
import type { ConsumerReport } from '../../src';
import { ScriptBuild, ScriptProcess, type Exit } from '../support/scriptProcess';
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

const WORKER = join(__dirname, 'worker.ts');

/** worker.ts and everything it imports from this repository, transpiled to JavaScript. */
export const WorkerBuild = {
  compile: (): ScriptBuild => ScriptBuild.compile(WORKER),
};
export type WorkerBuild = ScriptBuild;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A running worker process. */
export class WorkerProcess {
  /** The highest sequence number reported 'applied' (written, maybe not committed). */
  lastApplied = 0;
  /** Every sequence number reported 'applied', in the order written (rolled back ones included). */
  readonly applied: number[] = [];
  private readonly process: ScriptProcess<WorkerMessage>;
  private nextId = 1;

  /** The worker's instance id. */
  readonly name: string;

  private constructor(build: ScriptBuild, config: WorkerConfig) {
    this.name = config.instanceId;
    this.process = ScriptProcess.start<WorkerMessage>(
      build,
      `worker ${config.instanceId}`,
      { EVENTO_SQL_WORKER: JSON.stringify(config) },
      (message) => {
        if (message.type !== 'applied') return true;
        this.lastApplied = Math.max(this.lastApplied, message.sequenceNumber);
        this.applied.push(message.sequenceNumber);
        return false;
      },
    );
  }

  /** Starts a worker from `build` with `config`. */
  static start(build: ScriptBuild, config: WorkerConfig): WorkerProcess {
    return new WorkerProcess(build, config);
  }

  /** Every message received but the 'applied' ones, in order. */
  get messages(): readonly WorkerMessage[] {
    return this.process.messages;
  }

  /** Resolves with the exit code and signal once the process has exited. */
  get exited(): Promise<Exit> {
    return this.process.exited;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** What the process printed (the last 20,000 characters), for failure messages. */
  get log(): string {
    return this.process.log;
  }

  /** Errors the bundle reported to its error handler. */
  errors(): string[] {
    return this.messages.flatMap((m) => (m.type === 'error' ? [`${m.where}: ${m.message}`] : []));
  }

  /** Resolves once `condition` holds (checked on every message), or rejects after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return this.process.until(condition, what, timeoutMs);
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
    this.process.send(request);
    await this.process.exitsCleanly(timeoutMs);
  }

  /** SIGKILL: no cleanup, no release of leases, an open transaction cut off. */
  kill(): Promise<void> {
    return this.process.kill();
  }

  private async request(
    body: DistributiveOmit<WorkerRequest, 'id'>,
    timeoutMs = 30_000,
  ): Promise<WorkerMessage> {
    const id = this.nextId++;
    const type = body.type;
    const request = { ...body, id } as WorkerRequest;
    this.process.send(request);
    let reply: WorkerMessage | undefined;
    await this.until(
      () => {
        reply = this.messages.find((m) => 'id' in m && m.id === id);
        return reply !== undefined;
      },
      `a reply to '${type}'`,
      timeoutMs,
    );
    if (reply?.type === 'failed') throw new Error(`${this.process.name} failed '${type}': ${reply.message}`);
    return reply as WorkerMessage;
  }
}
