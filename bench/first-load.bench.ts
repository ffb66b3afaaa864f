// The dashboard's first load on the wire: the page plus every script and style Chromium fetches before the
// dashboard renders (logged in, cache off), as the hub serves them (precompressed brotli), beside the same
// files fetched by curl as gzip (`--compressed`, what a server with only on-the-fly gzip would send) and
// uncompressed. API calls and the event stream are not counted (CLARIFICATIONS: "First hour").
// Chromium's bytes include each response's headers (`wire`); `br` is the bodies alone, like curl's.
// RESULT first-load wire_kb=… br_kb=… gzip_kb=… raw_kb=… files=… br_vs_raw=… br_vs_gzip=…
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../e2e/support/browser.js';
import { ownerApiToken, startHub } from '../e2e/support/hub-process.js';

const PASSWORD = 'first load bench password';
const COUNTED = new Set(['Document', 'Script', 'Stylesheet']);

/** Bytes curl receives for `url` with `encoding` (`identity` or `gzip`), the session cookie sent. */
function curlBytes(url: string, cookie: string, encoding: 'identity' | 'gzip'): number {
  const out = execFileSync('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{size_download}',
    '-H',
    `accept-encoding: ${encoding}`,
    '-H',
    `cookie: ${cookie}`,
    url,
  ]);
  return Number(out.toString());
}

const hub = await startHub();
const profile = await mkdtemp(join(tmpdir(), 'podpilot-bench-chromium-'));
const context = await launchChromium(profile, { width: 1440, height: 900 });
try {
  await ownerApiToken(hub, PASSWORD);
  const base = hub.url.replace(/\/$/, '');
  const login = context.pages()[0] ?? (await context.newPage());
  await login.goto(`${base}/login`);
  await login.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await login.getByRole('button', { name: 'Log in' }).click();
  await login.waitForURL(`${base}/`);

  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const counted = new Map<string, { url: string; headers: number; bytes: number }>();
  cdp.on('Network.responseReceived', (e) => {
    if (COUNTED.has(e.type))
      counted.set(e.requestId, { url: e.response.url, headers: e.response.encodedDataLength, bytes: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const entry = counted.get(e.requestId);
    if (entry) entry.bytes = e.encodedDataLength;
  });
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Instances', exact: true }).waitFor();
  await page.waitForLoadState('networkidle');

  const cookie = (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
  const files = [...counted.values()];
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  let wire = 0;
  let br = 0;
  let gzip = 0;
  let raw = 0;
  for (const file of files) {
    const g = curlBytes(file.url, cookie, 'gzip');
    const r = curlBytes(file.url, cookie, 'identity');
    const body = file.bytes - file.headers;
    wire += file.bytes;
    br += body;
    gzip += g;
    raw += r;
    console.log(
      `${kb(file.bytes).padStart(7)} KB br  ${kb(g).padStart(7)} KB gzip  ${kb(r).padStart(7)} KB raw  ${new URL(file.url).pathname}`,
    );
  }
  console.log(
    `RESULT first-load wire_kb=${kb(wire)} br_kb=${kb(br)} gzip_kb=${kb(gzip)} raw_kb=${kb(raw)} files=${files.length} br_vs_raw=${(br / raw).toFixed(2)} br_vs_gzip=${(br / gzip).toFixed(2)}`,
  );
} finally {
  await context.close();
  await hub.stop();
  await rm(profile, { recursive: true, force: true });
}
