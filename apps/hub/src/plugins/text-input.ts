import {
  AGENT_API_PREFIX,
  type ErrorIssue,
  repairAgentText,
  type TextKind,
  textProblem,
} from '@podpilot/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../lib/http-error.js';

/**
 * The one place where text enters the hub (docs/security.md "Hostile text"): before any route validates its
 * input, text from agents is repaired and text from people is refused.
 *
 * - `/agent/v1/*` bodies (log lines, events, errors, reports): every string and key is repaired
 *   (`repairAgentText`: lone surrogates become U+FFFD, NUL is removed; tabs and ANSI escapes stay), so one bad
 *   character never blocks a batch. Their path parameters and query strings are refused like an owner's.
 * - `/api/*` (the owner, the CLI, scripts): a body, query string or path parameter holding NUL, a lone
 *   surrogate or a control character is refused with a 400 naming the field; names and paths also refuse bidi
 *   and zero-width characters. Free text is the short list below; everything else is a name or a path.
 *
 * Profile documents inside `body.yaml` are checked field by field by the profile schema (`profileTextIssues`
 * in @podpilot/common), with the same rules.
 */
const FREE_TEXT: Readonly<Record<string, readonly string[]>> = {
  'PUT /api/profiles/:name': ['body.yaml'],
  'PUT /api/secrets/:name': ['body.value'],
  'POST /api/auth/setup': ['body.token', 'body.password'],
  'POST /api/auth/login': ['body.password'],
  'GET /api/outputs': ['query.q'],
};

type Path = (string | number)[];

/** Up to this many issues are named: enough to show the problem. */
const MAX_ISSUES = 20;

/** Only parsed JSON is walked: buffers, streams and class instances are no text fields. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The problems of every string and key of `value` (keys are names; `kindAt` says what each string is). */
export function requestTextIssues(
  value: unknown,
  kindAt: (path: string) => TextKind,
  path: Path,
  found: ErrorIssue[] = [],
): ErrorIssue[] {
  if (found.length >= MAX_ISSUES) return found;
  const check = (text: string, at: Path, kind: TextKind) => {
    const message = textProblem(text, kind);
    if (message) found.push({ path: at.join('.'), message });
  };
  if (typeof value === 'string') check(value, path, kindAt(path.join('.')));
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) requestTextIssues(item, kindAt, [...path, i], found);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      check(key, [...path, key], 'name');
      requestTextIssues(item, kindAt, [...path, key], found);
    }
  }
  return found;
}

/** `value` with every string and key repaired (`repairAgentText`); anything but parsed JSON is kept as it is. */
export function repairedAgentText(value: unknown): unknown {
  if (typeof value === 'string') return repairAgentText(value);
  if (Array.isArray(value)) return value.map(repairedAgentText);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[repairAgentText(key)] = repairedAgentText(item);
  return out;
}

/** The route as declared (`GET /api/outputs`), or the path asked for when no route matched. */
function routeOf(request: FastifyRequest): { key: string; url: string } {
  const url = request.routeOptions.url ?? request.url;
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  return { key: `${method} ${url}`, url };
}

/** What a request's parts must hold: repaired agent text, or checked owner text (a 400 naming each field). */
function checkRequest(request: FastifyRequest): void {
  const { key, url } = routeOf(request);
  const agent = url.startsWith(`${AGENT_API_PREFIX}/`);
  if (!agent && !url.startsWith('/api/')) return;
  if (agent) request.body = repairedAgentText(request.body);
  const free = FREE_TEXT[key] ?? [];
  const kindAt = (path: string): TextKind => (free.includes(path) ? 'free' : 'name');
  // Query strings and params are objects of their parsers' own kind (not plain objects): copy them to walk them.
  const issues = requestTextIssues({ ...(request.params as object) }, kindAt, ['params']);
  requestTextIssues({ ...(request.query as object) }, kindAt, ['query'], issues);
  if (!agent) requestTextIssues(request.body, kindAt, ['body'], issues);
  if (issues.length === 0) return;
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new HttpError(400, 'invalid_request', message, issues);
}

/** Registers the text hook for every route (call before the routes are registered). */
export function registerTextInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => checkRequest(request));
}
