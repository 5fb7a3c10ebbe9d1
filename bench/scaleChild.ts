/**
 * One measurement of the scale workload, in a process of its own so that its peak RSS is its own:
 * `scaleChild.ts <system> <events>` appends the events to an in-memory store (one event per
 * append, over 1,000 accounts), then catches a projector up with them, and prints a JSON line.
 */
import 'reflect-metadata';
import { scaleMeasure } from './systems/scale';

const [system, events] = process.argv.slice(2);
scaleMeasure(system ?? 'evento-ts', Number(events))
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
