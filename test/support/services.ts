/**
 * Addresses of the services integration tests use, and a synchronous reachability check so a
 * suite can decide at load time whether to run. Locally a missing service skips the suite with a
 * message saying why; with CI=true it fails the run instead.
 */
import { execFileSync } from 'node:child_process';

export const PG_URL = process.env.EVENTO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.EVENTO_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const reachable = new Map<string, boolean>();

function canConnect(url: string): boolean {
  const { hostname, port } = new URL(url);
  const script =
    `const s=require('net').connect(${Number(port)},${JSON.stringify(hostname)});` +
    `s.on('connect',()=>{s.end();process.exit(0)});s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2000);`;
  try {
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when the service at `url` answers, else `describe.skip` (with a warning saying why and,
 * when given, `howToStart`), or a thrown error when CI=true: in CI a missing service is a failure,
 * never a silent skip.
 */
export function describeWithService(service: string, url: string, howToStart?: string): jest.Describe {
  let ok = reachable.get(url);
  if (ok === undefined) {
    ok = canConnect(url);
    reachable.set(url, ok);
  }
  if (ok) return describe;
  const why = `${service} is not reachable at ${new URL(url).host}; ${howToStart ?? `start it, or point the test at one with the environment variable for ${service}.`}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
  console.warn(`Skipping the ${service} suite: ${why}`);
  return describe.skip;
}
