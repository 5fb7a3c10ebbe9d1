/**
 * A distributed system's runs: the requests of the load (Deposit commands or GetBalance queries
 * to account k mod accounts), the time each took, where it went (the stamps of this process and
 * of the domain children), the children's CPU and, for commands, events appended / acknowledged.
 */
import { epochNow } from '../../../harness/clock';
import { runConcurrently } from '../../../harness/concurrency';
import { runPaced } from '../../../harness/paced';
import type { RunOutput, SystemName, SystemRun } from '../../../harness/types';
import { breakdown } from './breakdown';
import type { ChildrenReport, DomainChildren } from './domainChildren';
import { EventCounter } from './eventCount';
import type { Stamps } from './stamps';

/** What a run sends: a number of requests at a concurrency, or commands at a steady rate. */
export type DistributedLoad =
  | { readonly kind: 'commands' | 'queries'; readonly count: number; readonly concurrency: number }
  | { readonly kind: 'commands'; readonly rate: number; readonly seconds: number };

export interface DistributedSize {
  /** Accounts opened before the runs; request k goes to account k mod accounts. */
  readonly accounts: number;
  readonly load: DistributedLoad;
}

/** Account ids are `${ID_PREFIX}${n}`. */
export const ID_PREFIX = 'acc-';

/** How a system sends one Deposit of 1 or one GetBalance for account `id`. */
export interface Requests {
  command(id: string, sentAt: number): Promise<unknown>;
  query(id: string, sentAt: number): Promise<unknown>;
}

/**
 * The runs of a system whose tables are prefixed `prefix`, sending through `requests`, with
 * `remote` domain children (none in process); `close` stops what the system started.
 */
export function distributedSystem(
  system: SystemName,
  size: DistributedSize,
  prefix: string,
  requests: Requests,
  stamps: Stamps,
  remote: DomainChildren | undefined,
  close: () => Promise<void>,
): SystemRun {
  const { load, accounts } = size;
  const events = new EventCounter(prefix);
  const countEvents = (): Promise<number> => events.count();
  const send = (k: number): Promise<unknown> => {
    const id = `${ID_PREFIX}${k % accounts}`;
    return load.kind === 'commands' ? requests.command(id, epochNow()) : requests.query(id, epochNow());
  };
  return {
    system,
    async run({ warmup }): Promise<RunOutput> {
      // The stamps of earlier runs (and the warm-up) are dropped.
      await remote?.drain();
      stamps.drain();
      const before = load.kind === 'commands' ? await countEvents() : 0;
      const started = performance.now();
      let ops: number;
      let durationMs: number;
      let latenciesMs: number[];
      let failed = 0;
      if ('rate' in load) {
        const paced = await runPaced(load.rate, warmup ? Math.max(1, load.seconds / 5) : load.seconds, send);
        ({ latenciesMs, durationMs, failed } = paced);
        ops = latenciesMs.length;
      } else {
        const count = warmup ? Math.ceil(load.count / 5) : load.count;
        latenciesMs = await runConcurrently(count, load.concurrency, send);
        durationMs = performance.now() - started;
        ops = count;
      }
      const wallMs = performance.now() - started;
      const report: ChildrenReport | undefined = await remote?.drain();
      const appended = load.kind === 'commands' ? (await countEvents()) - before : undefined;
      return {
        ops,
        durationMs,
        latenciesMs,
        extra: {
          ...breakdown(stamps.drain(), report?.stamps ?? {}),
          ...(report === undefined ? {} : { domainCpuPct: (100 * report.cpuMs) / wallMs }),
          ...(appended === undefined ? {} : { acknowledged: ops, appended, appendedRatio: appended / ops }),
          ...(failed > 0 ? { failed } : {}),
        },
      };
    },
    async close() {
      await events.close();
      await close();
    },
  };
}
