/**
 * Follows the tutorial as a reader would, from an empty folder: packs evento-ts (`npm pack`, as it
 * would be published), then, chapter by chapter, writes the files the pages show and runs the
 * commands they say to run (the installs at the pinned versions, then `npx tsc --noEmit` and
 * `npm test` at the end of every chapter that writes code). The app is started after chapters 10
 * and 16 and answers HTTP requests; the README's quickstart runs in the same project.
 * Needs the npm registry (it reuses the npm cache, so a warm run only checks for updates); runs
 * chapter 15's page test in /usr/bin/chromium when it is there (else that test skips).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { samplesOf } from '../support/docRegions';
import { tutorialChapters } from '../support/tutorial';

const root = join(__dirname, '..', '..');
const chapters = tutorialChapters();
const workdir = mkdtempSync(join(tmpdir(), 'evento-tutorial-'));
const project = join(workdir, 'todolist');

/** The environment of the reader's shell: none of the npm or jest variables of this run. */
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'JEST_WORKER_ID'),
);
Object.assign(env, {
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_prefer_offline: 'true',
});
// Chapter 15's page test skips without a browser; where there is one, it must run.
if (env.CHROMIUM === undefined && existsSync('/usr/bin/chromium')) env.CHROMIUM = '/usr/bin/chromium';

/** Runs a bash script in `cwd`; resolves with its output, rejects with it when the script fails. */
function sh(script: string, cwd: string, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${where}: \`${script}\` exited with ${code}\n${output.slice(-6000)}`)),
    );
  });
}

/** `npm start` in the reader's project: resolves with the address it listens on, and a stop function. */
async function startApp(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn('npm', ['start'], { cwd: project, env: { ...env, PORT: '0' }, detached: true });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not listen within 60 s:\n${output}`)),
      60_000,
    );
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = /TodoList running at (http:\/\/\S+?)\/? /.exec(output);
      if (listening?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then(() => reject(new Error(`npm start exited:\n${output}`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, stop };
}

/**
 * Creates a list and a todo through the running app's HTTP API, and reads the list back; a body
 * of the wrong type and an unknown route answer in the app's error body.
 */
async function useApp(url: string): Promise<void> {
  const headers = { authorization: 'Bearer alice', 'content-type': 'application/json' };
  const coerced = await fetch(`${url}/todo-list`, { method: 'POST', headers, body: '{"name":42}' });
  expect([coerced.status, await coerced.json()]).toEqual([
    400,
    { error: 'BadRequest', message: 'body/name must be string' },
  ]);
  const unknown = await fetch(`${url}/todo-lists`);
  expect([unknown.status, await unknown.json()]).toEqual([
    404,
    { error: 'NotFound', message: 'No route GET /todo-lists' },
  ]);
  const created = await fetch(`${url}/todo-list`, { method: 'POST', headers, body: '{"name":"Groceries"}' });
  expect(created.status).toBe(201);
  const { identifier } = (await created.json()) as { identifier: string };
  const todo = await fetch(`${url}/todo-list/${identifier}/todo`, {
    method: 'POST',
    headers,
    body: '{"content":"Milk"}',
  });
  expect(todo.status).toBe(201);
  let list: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${url}/todo-list/${identifier}`);
    list = response.status === 200 ? await response.json() : undefined;
    if ((list as { todos?: unknown[] } | undefined)?.todos?.length === 1) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(list).toMatchObject({
    identifier,
    name: 'Groceries',
    createdBy: 'alice',
    todos: [{ content: 'Milk' }],
  });
}

describe('the tutorial, followed from an empty folder', () => {
  beforeAll(async () => {
    mkdirSync(project, { recursive: true });
    // Chapter 4's first step: the packed package in the reader's empty folder.
    await sh(`npm pack --silent --pack-destination ${JSON.stringify(project)}`, root, 'npm pack');
  }, 120_000);

  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it.each(chapters.map((c) => [c.page, c] as const))(
    '%s: the files it shows, the commands it runs',
    async (_page, chapter) => {
      for (const step of chapter.steps) {
        if (step.kind === 'file') {
          mkdirSync(dirname(join(project, step.path)), { recursive: true });
          writeFileSync(join(project, step.path), `${step.code}\n`);
        } else if (step.kind === 'run') {
          await sh(step.code, project, step.at);
        }
      }
      if (chapter.page.startsWith('10-') || chapter.page.startsWith('16-')) {
        const app = await startApp();
        try {
          await useApp(app.url);
          if (chapter.page.startsWith('16-')) {
            const page = await fetch(`${app.url}/`);
            expect(page.status).toBe(200);
            expect(await page.text()).toContain('EventSource');
          }
        } finally {
          await app.stop();
        }
      }
    },
    240_000,
  );

  it("runs the README's quickstart, saved as quickstart.ts in the project", async () => {
    const readme = samplesOf('README.md', readFileSync(join(root, 'README.md'), 'utf8'));
    const quickstart = readme.find((s) => s.region?.name === 'quickstart');
    expect(quickstart).toBeDefined();
    writeFileSync(join(project, 'quickstart.ts'), quickstart?.code ?? '');
    expect(await sh('npx ts-node quickstart.ts', project, 'README quickstart')).toContain('c1 = 1');
  }, 60_000);
});
