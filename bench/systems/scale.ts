/**
 * The scale workload's measurement, run inside scaleChild.ts. Each system's side is loaded alone,
 * so that the child process holds only that system's code.
 */

export interface ScaleResult {
  readonly appendMs: number;
  /** Undefined when the system has no in-memory consumer (Emmett 0.42). */
  readonly catchUpMs: number | undefined;
  readonly heapMb: number;
  readonly peakRssMb: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** What a system's side measures: `events` appends, one event each, over `accounts` accounts. */
export type ScaleSide = (
  events: number,
  accounts: number,
) => Promise<{ readonly appendMs: number; readonly catchUpMs: number | undefined }>;

const ACCOUNTS = 1000;

const SIDES: Readonly<Record<string, () => Promise<ScaleSide>>> = {
  'evento-ts': async () => (await import('./evento/scale')).eventoScale,
  raw: async () => (await import('./raw/scale')).rawScale,
  emmett: async () => (await import('./emmett/scale')).emmettScale,
};

export async function scaleMeasure(system: string, events: number): Promise<ScaleResult> {
  const load = SIDES[system];
  if (load === undefined) throw new Error(`Unknown scale system ${JSON.stringify(system)}`);
  const side = await load();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { appendMs, catchUpMs } = await side(events, ACCOUNTS);
  const used = process.cpuUsage(cpu);
  return {
    appendMs,
    catchUpMs,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - started,
  };
}
