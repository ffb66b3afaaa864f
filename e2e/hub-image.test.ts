import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HUB_SETTINGS } from '../apps/hub/src/env.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const DOCKERFILE = read('../Dockerfile');
const DOCKERIGNORE = read('../.dockerignore');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments and directives dropped). */
function stagesOf(dockerfile: string): Stage[] {
  const logical = dockerfile
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/);
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        from,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    stage.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

const stages = stagesOf(DOCKERFILE);
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const args = (s: Stage, keyword: string) =>
  s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('hub image: Dockerfile', () => {
  it('is valid for dockerfile-utils', () => {
    expect(validate(DOCKERFILE)).toEqual([]);
  });

  it('builds in stages and ends in a slim runtime', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(stage('build').from).toBe('deps');
    // Node.js 22 LTS, one exact release in every stage (Node 20 reached its end of life on 2026-04-30).
    expect(stage('runtime').from).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/);
    expect(stage('prod-deps').from).toBe(stage('runtime').from);
    expect(stage('deps').from).toBe(stage('runtime').from);
    expect(stages.at(-1)?.name).toBe('runtime');
  });

  it('installs with npm ci and a cache mount for ~/.npm, builds with npm run build', () => {
    expect(args(stage('deps'), 'RUN')).toEqual([
      '--mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund',
    ]);
    expect(args(stage('build'), 'RUN')).toContain('npm run build');
    expect(args(stage('prod-deps'), 'RUN')).toEqual([
      '--mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund',
    ]);
  });

  it('ships production dependencies, the built folders, migrations and the web app only', () => {
    const copies = args(stage('runtime'), 'COPY');
    expect(copies).toContain('--from=prod-deps /app ./');
    for (const dist of ['packages/common', 'apps/hub', 'apps/agent', 'apps/cli', 'apps/web']) {
      expect(copies).toContain(`--from=build /app/${dist}/dist ${dist}/dist`);
    }
    expect(copies).toContain('migrations migrations');
    expect(copies.some((c) => c.includes('--from=deps'))).toBe(false); // no dev dependencies
  });

  it('runs the hub as a non-root user, on 7300, with its data in /data', () => {
    const runtime = stage('runtime');
    const users = args(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before CMD, after the last RUN (which prepares /data as root).
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.indexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(args(runtime, 'EXPOSE')).toEqual(['7300']);
    expect(args(runtime, 'VOLUME')).toEqual(['/data']);
    const env = args(runtime, 'ENV').join(' ');
    expect(env).toContain('PODPILOT_HOST=0.0.0.0');
    expect(env).toContain('PODPILOT_HOME=/data');
    expect(args(runtime, 'CMD')).toEqual(['["node", "apps/cli/dist/main.js", "hub"]']);
  });

  it('checks its health on /health with node (no curl in the slim image)', () => {
    const [healthcheck, ...more] = args(stage('runtime'), 'HEALTHCHECK');
    expect(more).toEqual([]);
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*fetch\('http:\/\/127\.0\.0\.1:7300\/health'\)/);
    expect(healthcheck).not.toContain('curl');
  });

  it('keeps host builds and secrets out of the context, but not the agent bundle', () => {
    const ignored = DOCKERIGNORE.split('\n').filter((l) => l && !l.startsWith('#'));
    for (const path of ['**/node_modules', '**/dist', '.podpilot', 'e2e-artifacts', '.git']) {
      expect(ignored).toContain(path);
    }
    // The GPU images (docker/apps/*) build from the same context and copy docker/build/podpilot-agent.mjs.
    expect(ignored.filter((l) => l.startsWith('docker'))).toEqual(['docker-bake.hcl']);
  });
});

interface ComposeService {
  build?: unknown;
  image?: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  restart?: string;
  network_mode?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  configs?: Record<string, { content?: string }>;
}

describe('hub image: compose.yaml', () => {
  const compose = parse(read('../compose.yaml')) as Compose;
  const { hub, postgres, tailscale } = compose.services;

  it('has the hub, postgres and an optional tailscale sidecar', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['hub', 'postgres', 'tailscale']);
    expect(hub?.profiles).toBeUndefined();
    expect(postgres?.profiles).toBeUndefined();
    expect(tailscale?.profiles).toEqual(['tailscale']);
  });

  it('builds the hub from this Dockerfile and keeps its data', () => {
    expect(hub?.build).toBe('.');
    expect(hub?.restart).toBe('unless-stopped');
    // Loopback unless HUB_BIND says otherwise (a compose variable, not a hub setting).
    expect(hub?.ports).toEqual([expect.stringMatching(/^\$\{HUB_BIND:-127\.0\.0\.1\}:7300:7300$/)]);
    expect(hub?.volumes).toEqual(['hub-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['hub-data', 'postgres-data']));
  });

  it('starts the hub once PostgreSQL is healthy, and points it there', () => {
    expect(hub?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(postgres?.image).toMatch(/^postgres:15\.\d+/);
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(postgres?.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    const url = new URL(String(hub?.environment?.DATABASE_URL).replace(/\$\{[^}]+\}/g, 'x'));
    expect(url.protocol).toBe('postgres:');
    expect(url.host).toBe('postgres:5432');
  });

  it('sets only known hub settings on the hub', () => {
    const names = Object.keys(hub?.environment ?? {});
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !(name in HUB_SETTINGS))).toEqual([]);
  });

  it('puts the hub on the tailnet through the sidecar only when asked', () => {
    expect(tailscale?.image).toMatch(/^tailscale\/tailscale:v\d+\.\d+\.\d+$/);
    expect(tailscale?.network_mode).toBe('service:hub');
    expect(tailscale?.depends_on).toEqual({ hub: { condition: 'service_healthy' } });
    expect(tailscale?.environment?.TS_AUTHKEY).toMatch(/^\$\{TS_AUTHKEY:-\}$/);
    const serve = JSON.parse(compose.configs?.['tailscale-serve']?.content ?? '') as {
      Web: Record<string, { Handlers: Record<string, { Proxy: string }> }>;
    };
    // `$${…}` is compose's escape: the tailscale container sees ${TS_CERT_DOMAIN} and fills it in.
    expect(serve.Web['$${TS_CERT_DOMAIN}:443']?.Handlers['/']?.Proxy).toBe('http://127.0.0.1:7300');
  });
});
