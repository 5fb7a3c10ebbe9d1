/**
 * `npm run bench -- [workload...] [--store memory,postgres,mysql] [--quick | --smoke] [--reps n]
 * [--seconds n] [--no-results] [--case text]... [--system text]...`; `EVENTO_BENCH_NAMESPACE` names
 * the run's databases.
 *
 * Runs each workload's cases, every system side by side (evento-ts, the raw driver limit, Emmett
 * where it has the feature), prints a Markdown table and the targets, and writes one JSON line per
 * measurement to bench/results/.
 */
import 'reflect-metadata';
import { runBench } from './harness/bench';
import { setNamespace } from './harness/databases';
import { BenchUsageError } from './harness/usageError';

// A background loop that fails after its run was given up must not end the whole benchmark.
process.on('unhandledRejection', (error) => console.error('[bench] unhandled rejection:', error));

// Databases of their own for runs side by side on one server (default `evento_bench`).
if (process.env.EVENTO_BENCH_NAMESPACE !== undefined) setNamespace(process.env.EVENTO_BENCH_NAMESPACE);

runBench(process.argv.slice(2), (line) => console.log(line))
  .then((ok) => {
    process.exitCode = ok ? 0 : 1;
  })
  .catch((error: unknown) => {
    // A refused argument or setting says what to fix; anything else is printed whole.
    console.error(error instanceof BenchUsageError ? `bench: ${error.message}` : error);
    process.exitCode = 1;
  });
