/**
 * The systems of the tracing workload: the commands workload's deposits in evento-ts with no
 * agent, with each reference agent (in memory only) and with each real agent.
 */
import type { StoreKind, SystemName, SystemRun } from '../../harness/types';
import { eventoCommands, type CommandsSize } from './commands';
import { openTelemetryTracing, referenceTracing, sentryTracing } from './tracing';

/** What the child process of one traced system is given. */
export interface TracedRunArgs {
  readonly store: StoreKind;
  readonly size: CommandsSize;
  readonly system: SystemName;
}

/** The systems measured on `store`, no agent first. */
export function tracedSystems(store: StoreKind): SystemName[] {
  return [
    'evento-ts',
    ...(store === 'memory'
      ? (['evento-ts + pass-through agent', 'evento-ts + new-trace agent'] as const)
      : []),
    'evento-ts + Sentry (rate 0)',
    'evento-ts + Sentry (rate 1)',
    'evento-ts + OpenTelemetry',
  ];
}

/** Sets up `system` (one of {@link tracedSystems}) in this process. */
export async function tracedCommands({ store, size, system }: TracedRunArgs): Promise<SystemRun> {
  switch (system) {
    case 'evento-ts':
      return eventoCommands(store, size, true);
    case 'evento-ts + pass-through agent':
      return eventoCommands(store, size, true, referenceTracing('pass-through'));
    case 'evento-ts + new-trace agent':
      return eventoCommands(store, size, true, referenceTracing('new-trace'));
    case 'evento-ts + Sentry (rate 0)':
      return eventoCommands(store, size, true, await sentryTracing(0));
    case 'evento-ts + Sentry (rate 1)':
      return eventoCommands(store, size, true, await sentryTracing(1));
    case 'evento-ts + OpenTelemetry':
      return eventoCommands(store, size, true, openTelemetryTracing());
    default:
      throw new Error(`${system} is not a system of the tracing workload`);
  }
}
