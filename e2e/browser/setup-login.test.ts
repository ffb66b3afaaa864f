import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_TOKEN_PREFIX } from '@podpilot/common';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { launchChromium, requireChromium, step } from '../support/browser.js';
import { startHub } from '../support/hub-process.js';

const PASSWORD = 'correct horse battery staple';
const SCREENSHOT = join(tmpdir(), 'podpilot-dashboard.png');

/** The text tied to a field with `aria-describedby`: where the page shows that field's error. */
async function fieldDescription(page: Page, label: string): Promise<string> {
  const input = page.getByLabel(label, { exact: true });
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(
    ids
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => page.locator(`[id="${id}"]`).textContent()),
  );
  return texts.join(' ');
}

async function expectDashboard(page: Page, hubUrl: string): Promise<void> {
  await page.waitForURL(`${hubUrl}/`);
  await page.getByRole('heading', { name: 'Instances', exact: true }).waitFor();
  await page.getByText('No instances yet').waitFor();
}

it('sets the owner password from the setup link, logs out and in, and creates an API token', async (ctx) => {
  requireChromium(ctx);

  const hub = await startHub();
  const base = hub.url.replace(/\/$/, '');
  const profile = await mkdtemp(join(tmpdir(), 'podpilot-chromium-'));
  const context = await launchChromium(profile);
  const pageErrors: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await step('open the setup link', async () => {
      expect(hub.setupUrl, 'the hub printed no setup link').toBeTruthy();
      await page.goto(hub.setupUrl ?? '');
      await page.getByRole('heading', { name: 'Set the owner password', exact: true }).waitFor();
    });

    await step('a too-short password is refused next to the field', async () => {
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByLabel('Confirm password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.locator('input[aria-invalid="true"]').first().waitFor();
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await fieldDescription(page, 'Password')).toMatch(/at least 12 characters/i);
      expect(page.url()).toContain('/setup');
    });

    await step('a valid password opens the dashboard with its empty state', async () => {
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Confirm password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Set password' }).click();
      await expectDashboard(page, base);
    });

    await step('log out; the dashboard then sends to the login page', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${base}/login`);
      await page.goto(`${base}/`);
      await page.waitForURL(`${base}/login`);
      await page.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
    });

    await step('a wrong password shows the error', async () => {
      await page.getByLabel('Password', { exact: true }).fill('not the password at all');
      await page.getByRole('button', { name: 'Log in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(((await alert.textContent()) ?? '').trim()).not.toBe('');
      expect(page.url()).toBe(`${base}/login`);
    });

    await step('the right password opens the dashboard', async () => {
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectDashboard(page, base);
    });

    await step('create an API token on Settings: its secret is shown once', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL(`${base}/settings`);
      await page.getByRole('heading', { name: 'API tokens', exact: true }).waitFor();
      await page.getByLabel('Token name').fill('e2e laptop');
      await page.getByRole('button', { name: 'Create token' }).click();

      const secret = await page.getByLabel('Token value').inputValue();
      expect(secret.startsWith(API_TOKEN_PREFIX)).toBe(true);
      await page.getByText('it will not be shown again').waitFor();
      const row = page.getByRole('row').filter({ hasText: 'e2e laptop' });
      await row.getByText('Active').waitFor();

      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByLabel('Token value').waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(secret);

      await page.reload();
      await row.waitFor();
      expect(await page.content()).not.toContain(secret);
      expect(await page.getByLabel('Token value').count()).toBe(0);
    });

    await step('revoke the token', async () => {
      await page.getByRole('button', { name: 'Revoke token e2e laptop' }).click();
      await page.getByRole('button', { name: 'Confirm: revoke token e2e laptop' }).click();
      await page.getByRole('row').filter({ hasText: 'e2e laptop' }).getByText('Revoked').waitFor();
    });

    await step('screenshot the dashboard', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
      await expectDashboard(page, base);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.info(`dashboard screenshot: ${SCREENSHOT}`);
    });

    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  } catch (err) {
    console.error(`hub output:\n${hub.output()}`);
    throw err;
  } finally {
    await context.close();
    await hub.stop();
    await rm(profile, { recursive: true, force: true });
  }
});
