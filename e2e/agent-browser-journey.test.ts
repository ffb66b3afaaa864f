import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSRF_HEADER } from '@podpilot/common';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { TINY_UI } from './support/agent-harness.js';
import { launchChromium, requireChromium, step } from './support/browser.js';
import { startHub } from './support/hub-process.js';

/*
 * The whole web UI journey in a real browser (Debian's Chromium) against a real hub process (PGlite, the
 * `local` provider, local storage) and the real agent it starts: first-run setup → login → a profile written
 * in the editor → launch on `local` → ready (live) → an output in the gallery → stop. Every main page is
 * screenshotted into the artifacts folder, and no console error or uncaught page error is allowed.
 *
 * It lives in the `e2e-agent` project (`e2e/agent-*.test.ts`, one file at a time, after the others): like the
 * other agent tests it runs a hub, an agent and a WebUI at once — plus a browser — and waits on their timing.
 */

const PASSWORD = 'correct horse battery staple';
const PROFILE = 'journey';
const IMAGE = 'ComfyUI_00001_.png';
const ARTIFACTS =
  process.env.PODPILOT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../e2e-artifacts/', import.meta.url));

/** The profile YAML as typed in the editor; `ref` is the UI's commit (or a broken value). */
function profileYaml(ref: string, repo: string, port: number): string {
  return [
    `name: ${PROFILE}`,
    'description: The browser journey test',
    'ui:',
    '  kind: comfyui',
    `  ref: "${ref}"`,
    `  repo: "${repo}"`,
    `args: ["--port", "${port}"]`,
    'idle:',
    '  minutes: 30',
    '  action: stop',
    '',
  ].join('\n');
}

/** A small real PNG (a gradient), so the hub can make a thumbnail of it. */
async function pngImage(): Promise<Buffer> {
  const size = 64;
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) pixels.set([x * 4, y * 4, 160], (y * size + x) * 3);
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** The state badge next to the instance page's title (it has no role of its own). */
const stateBadge = (page: Page): Locator =>
  page.getByRole('heading', { level: 1 }).locator('xpath=following-sibling::span[1]');

/** Waits until the badge shows one of `states`, live (no reload); returns the one it shows. */
async function waitForBadge(page: Page, states: string[], timeout: number): Promise<string> {
  const badge = stateBadge(page);
  // A stopped instance's badge says who stopped it: "stopped · owner".
  await badge.filter({ hasText: new RegExp(`^(${states.join('|')})( · \\w+)?$`) }).waitFor({ timeout });
  return ((await badge.textContent()) ?? '').trim();
}

it('goes from first-run setup to a stopped instance with an output in the gallery', async (ctx) => {
  requireChromium(ctx);

  await mkdir(ARTIFACTS, { recursive: true });
  // This run's screenshots only: the ones of an earlier run (or its failure) would mislead.
  for (const file of await readdir(ARTIFACTS))
    if (/^journey-.*\.png$/.test(file)) await rm(join(ARTIFACTS, file), { force: true });
  const repos = tempDir('podpilot-journey-');
  const hub = await startHub({ env: { PODPILOT_RECONCILE_SECONDS: '5' } });
  const base = hub.url.replace(/\/$/, '');
  const browserProfile = await mkdtemp(join(tmpdir(), 'podpilot-chromium-'));
  let context: BrowserContext | undefined;
  /** The session cookie, for the test's own API calls (and the clean-up). */
  let cookie = '';
  let instanceId: string | null = null;
  let providerInstanceId: string | null = null;
  let stopped = false;

  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const screenshots: string[] = [];

  const api = async <T>(path: string, method = 'GET'): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: method === 'GET' ? { cookie } : { cookie, [CSRF_HEADER]: '1' },
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  try {
    context = await launchChromium(browserProfile, { width: 1280, height: 900 });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      consoleErrors.push(`[${page.url()}] ${JSON.stringify(message.text())}${where ? ` (at ${where})` : ''}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`[${page.url()}] ${error.message}`));

    const screenshot = async (name: string) => {
      const file = join(ARTIFACTS, `journey-${String(screenshots.length + 1).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      screenshots.push(file);
    };

    await step(
      'set the owner password from the setup link; the dashboard points to profiles and launch',
      async () => {
        expect(hub.setupUrl, 'the hub printed no setup link').toBeTruthy();
        await page.goto(hub.setupUrl ?? '');
        await page.getByRole('heading', { name: 'Set the owner password', exact: true }).waitFor();
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByLabel('Confirm password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Set password' }).click();
        await page.waitForURL(`${base}/`);
        await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
        await page.getByText('No instances yet').waitFor();
        expect(await page.getByRole('link', { name: 'apply a profile' }).getAttribute('href')).toBe(
          '/profiles',
        );
        expect(await page.getByRole('link', { name: 'launch', exact: true }).getAttribute('href')).toBe(
          '/launch',
        );
        await screenshot('dashboard');
      },
    );

    await step('log out, then log in again', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${base}/login`);
      await page.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/`);
      await page.getByText('No instances yet').waitFor();
      cookie = ((await context?.cookies(base)) ?? []).map((c) => `${c.name}=${c.value}`).join('; ');
      expect(cookie).not.toBe('');
    });

    const ui = makeRemote(repos.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const webuiPort = await freePort();

    await step('Profiles → New profile: a broken ref is flagged inline', async () => {
      await nav(page, 'Profiles').click();
      await page.waitForURL(`${base}/profiles`);
      await page.getByText('No profiles yet').waitFor();
      await page.getByRole('link', { name: 'New profile' }).click();
      await page.waitForURL(`${base}/profiles/new`);
      await page.getByRole('heading', { name: 'New profile', level: 1 }).waitFor();

      const editor = page.getByRole('textbox', { name: /^Profile YAML/ });
      await editor.fill(profileYaml('-not..a/ref', ui.url, webuiPort));
      const refError = page.getByRole('button', { name: /^Error, line 5:\d+: ui\.ref: / });
      await refError.waitFor();
      expect(await editor.getAttribute('aria-invalid')).toBe('true');
      await page.getByText(/1 error.*Fix the errors to save\./).waitFor();
      expect(await page.getByRole('button', { name: 'Create profile' }).isDisabled()).toBe(true);
      await screenshot('profile-editor-error');
    });

    await step('fix the ref and save: version 1', async () => {
      const editor = page.getByRole('textbox', { name: /^Profile YAML/ });
      await editor.fill(profileYaml(commit, ui.url, webuiPort));
      await page
        .getByRole('button', { name: /^Error, / })
        .first()
        .waitFor({ state: 'detached' });
      expect(await editor.getAttribute('aria-invalid')).toBeNull();
      const create = page.getByRole('button', { name: 'Create profile' });
      await expect.poll(() => create.isEnabled()).toBe(true);
      await screenshot('profile-editor');
      await create.click();
      await page.getByText(`Saved: ${PROFILE} version 1.`).waitFor();
    });

    await step('the profile is listed at v1; its page offers to launch version 1', async () => {
      await nav(page, 'Profiles').click();
      await page.waitForURL(`${base}/profiles`);
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: PROFILE, exact: true }) });
      await row.getByText('v1').waitFor();
      await screenshot('profiles');
      await row.getByRole('link', { name: PROFILE, exact: true }).click();
      await page.waitForURL(`${base}/profiles/${PROFILE}`);
      await page.getByRole('heading', { name: new RegExp(`^${PROFILE}\\s*v1$`), level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Launch this version' }).click();
      await page.waitForURL(`${base}/launch?profile=${encodeURIComponent(`${PROFILE}@1`)}`);
    });

    await step('launch on the local offer; the instance page opens', async () => {
      await page.getByRole('heading', { name: 'Launch an instance', level: 1 }).waitFor();
      const local = page.getByRole('radio', { name: /, local$/ });
      await local.check();
      const summary = page.getByRole('complementary', { name: 'Launch summary' });
      await summary.getByText(`${PROFILE}@1`).waitFor();
      await summary.getByText(/· local$/).waitFor();
      await screenshot('launch');
      await summary.getByRole('button', { name: 'Launch', exact: true }).click();
      await page.waitForURL(/\/instances\/[^/]+$/);
      instanceId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      expect(instanceId).not.toBe('');
    });

    await step('the instance page shows it reach ready (live, up to 90 s)', async () => {
      const state = await waitForBadge(page, ['ready', 'failed'], 90_000);
      if (state !== 'ready') {
        const { events } = await api<{ events: { kind: string; message: string }[] }>(
          `/api/instances/${instanceId}/events?limit=50`,
        );
        throw new Error(`the instance ${state}:\n${events.map((e) => `${e.kind}: ${e.message}`).join('\n')}`);
      }
      // The agent reports the WebUI's port: the page links to it (local provider: this machine).
      const open = page.getByRole('link', { name: /^Open WebUI/ });
      await open.waitFor();
      expect(await open.getAttribute('href')).toContain(`:${webuiPort}`);
      expect(await (await fetch(`http://127.0.0.1:${webuiPort}/main.py`)).text()).toBe(TINY_UI);
      await screenshot('instance-ready');
    });

    await step('an image written to the instance output folder appears in the gallery', async () => {
      ({ providerInstanceId } = await api<{ providerInstanceId: string | null }>(
        `/api/instances/${instanceId}`,
      ));
      expect(providerInstanceId).toBeTruthy();
      const outputDir = join(
        hub.home,
        'local-instances',
        providerInstanceId ?? '',
        'workspace',
        'ComfyUI',
        'output',
      );
      await mkdir(outputDir, { recursive: true });
      await writeFile(join(outputDir, IMAGE), await pngImage());

      await nav(page, 'Outputs').click();
      await page.waitForURL(`${base}/outputs`);
      await page.getByRole('heading', { name: 'Outputs', level: 1 }).waitFor();
      // The agent syncs it within seconds; the gallery only polls for new outputs every 30 s, so once the hub
      // has it, the page's own Refresh button shows it.
      const deadline = Date.now() + 45_000;
      for (;;) {
        const { outputs } = await api<{ outputs: { path: string }[] }>(`/api/outputs?instance=${instanceId}`);
        if (outputs.some((o) => o.path.endsWith(IMAGE))) break;
        if (Date.now() > deadline) throw new Error(`${IMAGE} was not synced within 45 s`);
        await page.waitForTimeout(500);
      }
      const tile = page.getByRole('button', { name: `Open ${IMAGE}` });
      if (!(await tile.isVisible())) await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await tile.waitFor();
      // Its thumbnail is a real image, made by the hub and served from storage.
      const thumbnail = tile.getByRole('img', { name: IMAGE });
      await thumbnail.waitFor({ timeout: 30_000 });
      await expect
        .poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), {
          timeout: 15_000,
        })
        .toBeGreaterThan(0);
      await screenshot('outputs');
    });

    await step('the output can be deleted (after a confirmation) and brought back with Undo', async () => {
      await page.getByRole('checkbox', { name: `Select ${IMAGE}` }).check();
      await page.getByRole('button', { name: 'Delete file' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete file?' });
      await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Moved 1 output to the trash' }).waitFor();
      await page.getByRole('button', { name: `Open ${IMAGE}` }).waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.getByRole('button', { name: `Open ${IMAGE}` }).waitFor();
    });

    await step('Models, Costs and Settings open', async () => {
      for (const [name, path] of [
        ['Models', '/models'],
        ['Costs', '/costs'],
        ['Settings', '/settings'],
      ] as const) {
        await nav(page, name).click();
        await page.waitForURL(`${base}${path}`);
        await page.getByRole('heading', { name, level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(name.toLowerCase());
      }
    });

    await step('back on the instance page, a snapshot, then Stop: it reaches stopped', async () => {
      await nav(page, 'Dashboard').click();
      await page.waitForURL(`${base}/`);
      // The card's title leads to the instance page ("Open WebUI" beside it opens the UI itself).
      await page.locator(`h3 a[href="/instances/${instanceId}"]`).click();
      await page.waitForURL(`${base}/instances/${instanceId}`);
      expect(await waitForBadge(page, ['ready', 'idle'], 15_000)).toMatch(/ready|idle/);

      // A snapshot into a new profile: the panel waits for the agent and shows the stored version.
      const field = page.getByLabel('Store as profile (optional)');
      await field.fill('Journey_Snap');
      await page.getByText('Use only lowercase letters, digits and dashes.').waitFor();
      await field.fill('journey-snap');
      await page.getByRole('button', { name: 'Take snapshot' }).click();
      await page.getByRole('link', { name: 'journey-snap@1' }).waitFor({ timeout: 45_000 });
      await screenshot('instance-snapshot');

      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      const confirm = page.getByRole('dialog').getByRole('button', { name: /^Stop/ });
      if (await confirm.isVisible()) await confirm.click();
      const state = await waitForBadge(page, ['stopped', 'failed'], 60_000);
      expect(state).toBe('stopped · owner');
      stopped = true;
      await screenshot('instance-stopped');
    });

    expect(
      { consoleErrors, pageErrors },
      `errors in the browser:\n${[...consoleErrors, ...pageErrors].join('\n')}`,
    ).toEqual({ consoleErrors: [], pageErrors: [] });
    console.info(`screenshots:\n${screenshots.join('\n')}`);
  } catch (err) {
    const page = context?.pages()[0];
    if (page)
      await page
        .screenshot({ path: join(ARTIFACTS, 'journey-failure.png'), fullPage: true })
        .then(() => console.error(`failure screenshot: ${join(ARTIFACTS, 'journey-failure.png')}`))
        .catch(() => undefined);
    if (consoleErrors.length || pageErrors.length)
      console.error(`errors in the browser so far:\n${[...consoleErrors, ...pageErrors].join('\n')}`);
    const problems = hub
      .output()
      .split('\n')
      .filter((line) => /"level":(40|50|60)/.test(line));
    console.error(`hub warnings and errors:\n${problems.join('\n').slice(-12_000)}`);
    console.error(`hub output (end):\n${hub.output().slice(-4000)}`);
    throw err;
  } finally {
    // A journey that failed midway leaves an instance running: destroy it through the hub.
    if (instanceId && !stopped && cookie) {
      await api(`/api/instances/${instanceId}/destroy`, 'POST').catch((error: unknown) =>
        console.error(`could not destroy ${instanceId}: ${error}`),
      );
    }
    // And if the WebUI outlived it all, its process group goes too.
    if (providerInstanceId && !stopped) {
      const pidFile = join(
        hub.home,
        'local-instances',
        providerInstanceId,
        'workspace',
        '.podpilot',
        'webui.pid',
      );
      try {
        process.kill(-JSON.parse(readFileSync(pidFile, 'utf8')).pid, 'SIGKILL');
      } catch {
        // Nothing left running.
      }
    }
    await context?.close();
    await hub.stop();
    await rm(browserProfile, { recursive: true, force: true });
    repos.cleanup();
  }
}, 270_000); // above the sum of the steps' own waits, so a stuck step fails by name and the clean-up runs
