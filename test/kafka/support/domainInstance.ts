/** Runs domainProcess.ts in a child process and follows what it reports; see there. */
import { join } from 'node:path';
import { ScriptBuild, ScriptProcess } from '../../support/scriptProcess';
import type { ClusterSettings } from './cluster';

/** What a domain process is told at start. */
export interface DomainConfig {
  readonly cluster: ClusterSettings;
  readonly instanceId: string;
}

/** What a domain process tells its parent. */
export type DomainMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'handled'; readonly accountId: string; readonly amount: number }
  | { readonly type: 'error'; readonly where: string; readonly message: string };

/** A Deposit an instance handled (its handler returned; a repeated delivery counts again). */
export interface Handled {
  readonly accountId: string;
  readonly amount: number;
}

/** domainProcess.ts and everything it imports, transpiled to JavaScript. */
export function compileDomainProcess(): ScriptBuild {
  return ScriptBuild.compile(join(__dirname, 'domainProcess.ts'));
}

/** A running domain process: an instance of the bundle 'bank'. */
export class DomainInstance {
  /** The Deposits it handled, in the order their handlers returned. */
  readonly handled: Handled[] = [];
  readonly instanceId: string;
  private readonly process: ScriptProcess<DomainMessage>;

  private constructor(build: ScriptBuild, config: DomainConfig) {
    this.process = ScriptProcess.start<DomainMessage>(
      build,
      `domain instance ${config.instanceId}`,
      { EVENTO_KAFKA_DOMAIN: JSON.stringify(config) },
      (message) => {
        if (message.type !== 'handled') return true;
        this.handled.push({ accountId: message.accountId, amount: message.amount });
        return false;
      },
    );
    this.instanceId = config.instanceId;
  }

  /** Starts an instance from `build`. */
  static start(build: ScriptBuild, cluster: ClusterSettings, instanceId: string): DomainInstance {
    return new DomainInstance(build, { cluster, instanceId });
  }

  /** Whether the process has exited. */
  get gone(): boolean {
    return this.process.gone;
  }

  /** What the process printed and the errors it reported, for failure messages. */
  get log(): string {
    const errors = this.process.messages.flatMap((m) =>
      m.type === 'error' ? [`${m.where}: ${m.message}`] : [],
    );
    return `${this.process.log}\nreported errors:\n${errors.join('\n')}`;
  }

  /** Resolves once `condition` holds (checked on every report), or rejects after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return this.process.until(condition, what, timeoutMs);
  }

  /** Resolves once its bundle has started (joined the group, announced itself). */
  ready(timeoutMs = 60_000): Promise<void> {
    return this.until(
      () => this.process.messages.some((m) => m.type === 'ready'),
      'ready message',
      timeoutMs,
    );
  }

  /** Stops the bundle gracefully, closes its bus and waits for the process to exit. */
  async stop(timeoutMs = 60_000): Promise<void> {
    this.process.send({ type: 'stop' });
    await this.process.exitsCleanly(timeoutMs);
  }

  /** SIGKILL: no goodbye to the group, requests cut off where they are. */
  kill(): Promise<void> {
    return this.process.kill();
  }

  /** SIGSTOP: frozen, its heartbeats too, until {@link resume}. */
  pause(): void {
    this.process.signal('SIGSTOP');
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    this.process.signal('SIGCONT');
  }
}
