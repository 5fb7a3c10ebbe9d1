/**
 * One system of the tracing workload, in a process of its own: `tracingChild.ts <TracedRunArgs as
 * JSON>`, started by the workload with `isolatedSystem` and run over the IPC channel.
 */
import 'reflect-metadata';
import { serveSystem } from './harness/isolated';
import { tracedCommands, type TracedRunArgs } from './systems/evento/tracedCommands';

serveSystem(() => tracedCommands(JSON.parse(process.argv[2] ?? '{}') as TracedRunArgs));
