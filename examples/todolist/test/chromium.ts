/** Headless Chromium for the TodoList page tests: Debian's /usr/bin/chromium, driven by playwright-core. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Where page tests leave their screenshots. */
export const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

/** `describe` with Debian's Chromium; without it, a skip locally and a failure in CI. */
export function describeWithChromium(): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  const why = `${CHROMIUM} is missing; install it with 'apt-get install -y chromium' to run the browser test`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
  console.warn(`Skipping the TodoList browser test: ${why}.`);
  return describe.skip;
}

/** A browser page in a fresh profile, and how to close both. */
export interface ChromiumPage {
  readonly page: Page;
  close(): Promise<void>;
}

/** Starts headless Chromium in a temporary profile (no GPU, no sandbox, no background traffic). */
export async function openChromium(): Promise<ChromiumPage> {
  const profile = mkdtempSync(join(tmpdir(), 'todolist-chromium-'));
  try {
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 700 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    return {
      page,
      close: async () => {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Saves a full-page screenshot as test-artifacts/`name`.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
