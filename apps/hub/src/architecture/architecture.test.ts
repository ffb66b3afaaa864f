import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, isTestCode, sourceFiles } from './source-files.js';

const root = normalize(join(dirname(fileURLToPath(import.meta.url)), '../../../..'));
const hubSrc = 'apps/hub/src';

/**
 * The hub's rooms and the rooms each may import values from (docs/architecture.md, "Rooms and arrows").
 * Arrows point one way, down: routes → services → repositories → db. Type-only imports are free (they
 * vanish at run time), though shared types belong in the lower room or in @podpilot/common.
 * Files at the top of src/ (app.ts, server.ts, env.ts, …) are the wiring and may import any room.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  routes: ['services', 'plugins', 'lib'],
  plugins: ['lib'],
  jobs: ['services', 'repositories', 'providers', 'db', 'lib'],
  services: ['repositories', 'providers', 'storage', 'db', 'lib'],
  repositories: ['db', 'lib'],
  providers: ['lib'],
  storage: ['lib'],
  db: ['lib'],
  lib: [],
  architecture: [],
};

/** Named exceptions, each with its reason. */
const ALLOWED: Record<string, string> = {
  // The Tailscale routes answer the Tailscale client's errors (auth, rate limit) with their own HTTP codes.
  'routes/tailscale.routes.ts -> providers/errors.ts': 'error vocabulary shared with the Tailscale client',
  // The one error handler turns storage errors (not found, bad key) into 404/400 answers.
  'plugins/errors.ts -> storage/index.ts': 'storage error vocabulary',
};

function roomOf(pathInSrc: string): string {
  const slash = pathInSrc.indexOf('/');
  return slash === -1 ? '(wiring)' : pathInSrc.slice(0, slash);
}

const hubFiles = sourceFiles(root, hubSrc).filter((f) => !isTestCode(f.path));

describe('hub layering', () => {
  it('every room is known (a new folder needs its arrows in MAY_IMPORT)', () => {
    const rooms = new Set(hubFiles.map((f) => roomOf(f.path.slice(hubSrc.length + 1))));
    rooms.delete('(wiring)');
    expect([...rooms].filter((r) => !(r in MAY_IMPORT))).toEqual([]);
  });

  it('imports only go down the arrows', () => {
    const wrong: string[] = [];
    for (const file of hubFiles) {
      const from = file.path.slice(hubSrc.length + 1);
      const room = roomOf(from);
      const allowed = MAY_IMPORT[room];
      if (!allowed) continue; // wiring
      for (const ref of importsOf(file.text)) {
        if (ref.typeOnly || !ref.specifier.startsWith('.')) continue;
        const target = normalize(join(dirname(from), ref.specifier)).replace(/\.js$/, '.ts');
        const targetRoom = roomOf(target);
        if (targetRoom === room || allowed.includes(targetRoom)) continue;
        const edge = `${from} -> ${target}`;
        if (!(edge in ALLOWED)) wrong.push(edge);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('finds a wrong arrow (the check itself works)', () => {
    const refs = importsOf(
      "import { X } from '../services/a.js';\nimport type { Y } from '../routes/b.js';\nimport { type Z } from './c.js';",
    );
    expect(refs).toEqual([
      { specifier: '../services/a.js', typeOnly: false },
      { specifier: '../routes/b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
    ]);
  });
});

describe('apps depend on each other only through @podpilot/common', () => {
  it('no app imports another app, except the CLI starting the hub (`podpilot hub`)', () => {
    const wrong: string[] = [];
    for (const app of ['hub', 'agent', 'cli', 'web']) {
      for (const file of sourceFiles(root, `apps/${app}/src`)) {
        for (const ref of importsOf(file.text)) {
          const other = /^@podpilot\/(hub|agent|cli|web)\b/.exec(ref.specifier)?.[1];
          const escapes =
            ref.specifier.startsWith('.') && /\bapps\/(hub|agent|cli|web)\//.test(ref.specifier);
          if (
            (other && other !== app && !(app === 'cli' && (other === 'hub' || other === 'agent'))) ||
            escapes
          )
            wrong.push(`${file.path} -> ${ref.specifier}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** A string that starts like an SQL statement. */
const SQL =
  /(['"`])\s*(select\s[\s\S]*?\sfrom\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|with\s+\w+\s+as\s*\()/i;

describe('SQL lives in repositories/ and db/ only', () => {
  it('no production file elsewhere in the hub holds an SQL statement or calls query()', () => {
    const wrong = hubFiles
      .filter((f) => !/^apps\/hub\/src\/(repositories|db)\//.test(f.path))
      .filter((f) => SQL.test(f.text) || /\.query(<[^>]*>)?\(/.test(f.text))
      .map((f) => f.path);
    expect(wrong).toEqual([]);
  });

  it('no other app holds SQL', () => {
    const wrong = ['agent', 'cli', 'web']
      .flatMap((app) => sourceFiles(root, `apps/${app}/src`))
      .filter((f) => !isTestCode(f.path) && SQL.test(f.text))
      .map((f) => f.path);
    expect(wrong).toEqual([]);
  });

  it('recognises SQL (the check itself works)', () => {
    expect(SQL.test("db.query('select id from agent_commands where id = $1')")).toBe(true);
    expect(SQL.test('`insert into agent_commands (kind) values ($1)`')).toBe(true);
    expect(SQL.test("'update instances set state = $2'")).toBe(true);
    expect(SQL.test("'Select an offer'")).toBe(false);
    expect(SQL.test("'the file was deleted from storage'")).toBe(false);
  });
});
