import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (STACK.md): never a browser downloaded by Playwright. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`;
}

/**
 * Skips the calling test when Chromium is missing — except in CI (`CI=true`), where that fails it: CI must
 * never count a browser test it did not run.
 */
export function requireChromium(ctx: { skip(note?: string): void }): void {
  const missing = chromiumMissing();
  if (!missing) return;
  if (process.env.CI === 'true') throw new Error(`browser test cannot run in CI: ${missing}`);
  ctx.skip(`browser test skipped: ${missing}`);
}

/** Headless Chromium with a throwaway profile folder, quiet (no background networking, no sync). */
export function launchChromium(
  profileDir: string,
  viewport?: { width: number; height: number },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(viewport ? { viewport } : {}),
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
}

/** Names the step that failed: a bare "timeout waiting for locator" rarely says where we were. */
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new Error(`step "${name}" failed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}
