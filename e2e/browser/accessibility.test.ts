import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSRF_HEADER } from '@podpilot/common';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { launchChromium, requireChromium, step } from '../support/browser.js';
import { startHub } from '../support/hub-process.js';

const PASSWORD = 'correct horse battery staple';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is; returns its serious and critical violations, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated, not a <script> tag: the hub's Content-Security-Policy forbids inline scripts (as it should).
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(await readFile(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.impact} ${v.id} (${v.help}) at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`,
      ),
    );
}

/** A page passes when axe finds nothing serious or critical on it (colour contrast included). */
async function expectAccessible(page: Page, name: string): Promise<void> {
  await step(`axe on ${name}`, async () => {
    // Wait for the page's data: no "Loading…" left.
    await page
      .getByText('Loading…')
      .first()
      .waitFor({ state: 'detached' })
      .catch(() => {});
    expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
  });
}

/** A same-origin API call from the page, with the session cookie and the CSRF header. */
async function api(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body, csrf }) => {
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', [csrf]: '1' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    { method, path, body, csrf: CSRF_HEADER },
  );
}

const PROFILE_YAML = [
  'name: a11y',
  'description: The accessibility test',
  'ui:',
  '  kind: comfyui',
  '  ref: "v0.3.0"',
  '  repo: "file:///nonexistent/podpilot-a11y-ui.git"',
  '',
].join('\n');

it('has no serious or critical axe violations on any page, with and without instances', async (ctx) => {
  requireChromium(ctx);
  const hub = await startHub();
  const base = hub.url.replace(/\/$/, '');
  const profileDir = await mkdtemp(join(tmpdir(), 'podpilot-chromium-'));
  const context = await launchChromium(profileDir, { width: 1280, height: 900 });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    const open = async (path: string, heading: string) => {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    };

    await page.goto(hub.setupUrl ?? '');
    await page.getByRole('heading', { name: 'Set the owner password', exact: true }).waitFor();
    await expectAccessible(page, 'setup');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('No instances yet').waitFor();
    await expectAccessible(page, 'the dashboard without instances');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
    await expectAccessible(page, 'login');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('No instances yet').waitFor();

    const id = await step('a profile and a launch on the local provider', async () => {
      const put = await api(page, 'PUT', '/api/profiles/a11y', { yaml: PROFILE_YAML });
      expect(put.status, JSON.stringify(put.json)).toBeLessThan(300);
      const launch = await api(page, 'POST', '/api/instances', {
        profile: 'a11y',
        provider: 'local',
        idempotencyKey: 'a11y-launch-0001',
      });
      expect(launch.status, JSON.stringify(launch.json)).toBeLessThan(300);
      return (launch.json as { id: string }).id;
    });

    await open('/', 'Dashboard');
    await page.getByRole('link', { name: 'a11y', exact: false }).first().waitFor();
    await expectAccessible(page, 'the dashboard with an instance');
    await open(`/instances/${id}`, 'a11y');
    await expectAccessible(page, 'the instance page');
    for (const [path, heading] of [
      ['/launch', 'Launch an instance'],
      ['/profiles', 'Profiles'],
      ['/models', 'Models'],
      ['/outputs', 'Outputs'],
      ['/costs', 'Costs'],
      ['/settings', 'Settings'],
    ] as const) {
      await open(path, heading);
      await expectAccessible(page, path);
    }
  } catch (err) {
    console.error(`hub output:\n${hub.output().slice(-4000)}`);
    throw err;
  } finally {
    await context.close();
    await hub.stop();
    await rm(profileDir, { recursive: true, force: true });
  }
});
