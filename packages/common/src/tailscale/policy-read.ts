import { HuJsonError, parseHuJson } from './hujson.js';
import type { TailscalePolicy } from './policy.js';
import { isPortList, isUserLogin, parseIpEntry, selectorKind, splitHostPorts } from './selectors.js';

/**
 * A policy file that uses constructs `tailscale check` does not model (each named in `constructs`): it cannot
 * say whether such a policy enforces what PodPilot needs, so it says so instead of "no differences".
 */
export class PolicyNotModelledError extends Error {
  override name = 'PolicyNotModelledError';
  constructor(readonly constructs: string[]) {
    super(`the tailnet policy uses what \`tailscale check\` does not model: ${constructs.join('; ')}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Folds a key the way Tailscale matches policy keys (case-insensitively: `"ACLs"` is `"acls"`); upper then
 * lower case also folds `ſ` into `s` and the Kelvin sign into `k`.
 */
const fold = (key: string) => key.toUpperCase().toLowerCase();

/** Top-level sections that set nothing about who reaches whom (read, then left alone). */
const INERT_TOP = new Set([
  'autoapprovers',
  'derpmap',
  'disableipv4',
  'randomizeclientport',
  'onecgnatroute',
]);

/** Reads one policy file: shape errors throw HuJsonError, unmodelled constructs are collected. */
class Reader {
  readonly unmodelled: string[] = [];

  notModelled(where: string, what: string): void {
    this.unmodelled.push(`${where}: ${what}`);
  }

  /** An object's entries keyed by folded name; two keys folding to one are not modelled. */
  fields(value: unknown, where: string): Map<string, unknown> {
    if (!isObj(value))
      throw new HuJsonError(`not a tailnet policy file: ${where || '(top)'}: expected an object`);
    const out = new Map<string, unknown>();
    const original = new Map<string, string>();
    for (const [key, v] of Object.entries(value)) {
      const k = fold(key);
      const seen = original.get(k);
      if (seen !== undefined) this.notModelled(where || '(top)', `"${seen}" and "${key}" are the same key`);
      original.set(k, key);
      out.set(k, v);
    }
    return out;
  }

  strings(value: unknown, where: string): string[] {
    if (!Array.isArray(value) || value.some((s) => typeof s !== 'string'))
      throw new HuJsonError(`not a tailnet policy file: ${where}: expected a list of strings`);
    return value as string[];
  }

  string(value: unknown, where: string): string {
    if (typeof value !== 'string')
      throw new HuJsonError(`not a tailnet policy file: ${where}: expected a string`);
    return value;
  }

  list(value: unknown, where: string): unknown[] {
    if (!Array.isArray(value)) throw new HuJsonError(`not a tailnet policy file: ${where}: expected a list`);
    return value;
  }

  /** Checks a selector; an unmodelled one is named. */
  selector(selector: string, where: string): string {
    if (selectorKind(selector) === null) this.notModelled(where, selectorProblem(selector));
    return selector;
  }

  /** Checks every selector of a list. */
  selectors(list: string[], where: string): string[] {
    for (const [i, s] of list.entries()) this.selector(s, `${where}[${i}]`);
    return list;
  }

  /** Fields other than `known` (folded names) are not modelled; `posture` ones get their own words. */
  only(fields: Map<string, unknown>, known: readonly string[], where: string): void {
    for (const key of fields.keys())
      if (!known.includes(key))
        this.notModelled(
          where,
          key.includes('posture') ? `device posture ("${key}")` : `field "${key}" is not modelled`,
        );
  }

  /** The legacy field or the current one (`users`/`src`), never both. */
  either(fields: Map<string, unknown>, current: string, legacy: string, where: string): unknown {
    if (fields.has(current) && fields.has(legacy))
      this.notModelled(where, `both "${current}" and its legacy spelling "${legacy}"`);
    return fields.get(current) ?? fields.get(legacy);
  }
}

function selectorProblem(selector: string): string {
  if (/^[0-9a-fA-F.:/[\]]+$/.test(selector) && /[.:]/.test(selector))
    return `"${selector}" (IP addresses and CIDR ranges are not modelled)`;
  if (selector.startsWith('autogroup:')) return `"${selector}" (this autogroup is not modelled)`;
  if (selector.startsWith('ipset:')) return `"${selector}" (IP sets are not modelled)`;
  return `"${selector}" (hosts aliases and other selectors are not modelled)`;
}

function readGroups(r: Reader, value: unknown): Record<string, string[]> {
  return readRecord(value, 'groups', (members, where) => {
    const list = r.strings(members, where);
    list.forEach((m, i) => {
      if (!isUserLogin(m)) r.notModelled(`${where}[${i}]`, `"${m}" (groups of anything but users)`);
    });
    return list;
  });
}

function readRecord<T>(value: unknown, where: string, read: (v: unknown, w: string) => T) {
  const out: Record<string, T> = {};
  if (!isObj(value)) throw new HuJsonError(`not a tailnet policy file: ${where}: expected an object`);
  for (const [key, v] of Object.entries(value)) out[key] = read(v, `${where}["${key}"]`);
  return out;
}

function readAcl(r: Reader, value: unknown, where: string) {
  const f = r.fields(value, where);
  r.only(f, ['action', 'src', 'users', 'dst', 'ports', 'proto'], where);
  const action = r.string(f.get('action'), `${where}.action`);
  if (action !== 'accept') r.notModelled(`${where}.action`, `"${action}"`);
  const src = r.selectors(r.strings(r.either(f, 'src', 'users', where), `${where}.src`), `${where}.src`);
  const dst = r.strings(r.either(f, 'dst', 'ports', where), `${where}.dst`);
  dst.forEach((entry, i) => {
    const target = splitHostPorts(entry);
    if (!target || !isPortList(target.ports))
      r.notModelled(`${where}.dst[${i}]`, `"${entry}" (expected selector:ports)`);
    else r.selector(target.selector, `${where}.dst[${i}]`);
  });
  const proto = f.has('proto') ? r.string(f.get('proto'), `${where}.proto`) : undefined;
  return { action, src, dst, ...(proto !== undefined ? { proto } : {}) };
}

function readGrant(r: Reader, value: unknown, where: string) {
  const f = r.fields(value, where);
  r.only(f, ['src', 'dst', 'ip'], where);
  const src = r.selectors(r.strings(f.get('src'), `${where}.src`), `${where}.src`);
  const dst = r.selectors(r.strings(f.get('dst'), `${where}.dst`), `${where}.dst`);
  const ip = f.has('ip') ? r.strings(f.get('ip'), `${where}.ip`) : [];
  ip.forEach((entry, i) => {
    if (!parseIpEntry(entry)) r.notModelled(`${where}.ip[${i}]`, `"${entry}"`);
  });
  return { src, dst, ip };
}

const SSH_USER = /^[a-z_][a-z0-9_.-]*\$?$/i;
/** `ssh` fields that restrict or configure a session but open nothing more. */
const SSH_INERT = ['checkperiod', 'acceptenv', 'recorder', 'enforcerecorder'];

function readSsh(r: Reader, value: unknown, where: string) {
  const f = r.fields(value, where);
  r.only(f, ['action', 'src', 'dst', 'users', ...SSH_INERT], where);
  const action = r.string(f.get('action'), `${where}.action`);
  if (action !== 'accept' && action !== 'check') r.notModelled(`${where}.action`, `"${action}"`);
  const src = r.selectors(r.strings(f.get('src'), `${where}.src`), `${where}.src`);
  const dst = r.selectors(r.strings(f.get('dst'), `${where}.dst`), `${where}.dst`);
  if (!f.has('users')) r.notModelled(where, 'no "users" (the local user of the source) is not modelled');
  const users = f.has('users') ? r.strings(f.get('users'), `${where}.users`) : [];
  users.forEach((u, i) => {
    if (u !== 'autogroup:nonroot' && !SSH_USER.test(u)) r.notModelled(`${where}.users[${i}]`, `"${u}"`);
  });
  return { action: action as 'accept' | 'check', src, dst, users };
}

function readTestDestinations(r: Reader, list: string[], where: string): string[] {
  list.forEach((entry, i) => {
    const target = splitHostPorts(entry);
    if (!target || !/^\d{1,5}$/.test(target.ports))
      r.notModelled(`${where}[${i}]`, `"${entry}" (expected selector:port)`);
    else r.selector(target.selector, `${where}[${i}]`);
  });
  return list;
}

function readTest(r: Reader, value: unknown, where: string) {
  const f = r.fields(value, where);
  r.only(f, ['src', 'user', 'accept', 'allow', 'deny', 'proto'], where);
  const src = r.selector(r.string(r.either(f, 'src', 'user', where), `${where}.src`), `${where}.src`);
  const accept = r.either(f, 'accept', 'allow', where);
  const deny = f.get('deny');
  const proto = f.has('proto') ? r.string(f.get('proto'), `${where}.proto`) : undefined;
  if (proto !== undefined && !['tcp', 'udp', '6', '17'].includes(proto))
    r.notModelled(`${where}.proto`, `"${proto}"`);
  return {
    src,
    ...(accept !== undefined
      ? { accept: readTestDestinations(r, r.strings(accept, `${where}.accept`), `${where}.accept`) }
      : {}),
    ...(deny !== undefined
      ? { deny: readTestDestinations(r, r.strings(deny, `${where}.deny`), `${where}.deny`) }
      : {}),
    ...(proto !== undefined ? { proto } : {}),
  };
}

function readSshTest(r: Reader, value: unknown, where: string) {
  const f = r.fields(value, where);
  r.only(f, ['src', 'dst', 'accept', 'check', 'deny'], where);
  const src = r.selector(r.string(f.get('src'), `${where}.src`), `${where}.src`);
  const dst = r.selectors(r.strings(f.get('dst'), `${where}.dst`), `${where}.dst`);
  const out: { src: string; dst: string[]; accept?: string[]; check?: string[]; deny?: string[] } = {
    src,
    dst,
  };
  for (const kind of ['accept', 'check', 'deny'] as const)
    if (f.has(kind)) out[kind] = r.strings(f.get(kind), `${where}.${kind}`);
  return out;
}

function readNodeAttr(r: Reader, value: unknown, where: string) {
  const f = r.fields(value, where);
  r.only(f, ['target', 'attr', 'app'], where);
  const target = r.strings(f.get('target'), `${where}.target`);
  const attr = f.has('attr') ? r.strings(f.get('attr'), `${where}.attr`) : [];
  return { target, attr };
}

const listOf =
  <T>(read: (r: Reader, v: unknown, where: string) => T) =>
  (r: Reader, value: unknown, where: string) =>
    r.list(value, where).map((item, i) => read(r, item, `${where}[${i}]`));

/** Each modelled top-level section: its name in the result, and how it is read. */
const SECTIONS: Record<string, [keyof TailscalePolicy, (r: Reader, v: unknown, where: string) => unknown]> = {
  groups: ['groups', (r, v) => readGroups(r, v)],
  hosts: ['hosts', (r, v, w) => readRecord(v, w, (x, xw) => r.string(x, xw))],
  tagowners: [
    'tagOwners',
    // `"tag:x": []` is Tailscale's shorthand for `["autogroup:admin"]`.
    (r, v, w) =>
      readRecord(v, w, (x, xw) => {
        const owners = r.strings(x, xw);
        return owners.length ? owners : ['autogroup:admin'];
      }),
  ],
  acls: ['acls', listOf(readAcl)],
  grants: ['grants', listOf(readGrant)],
  ssh: ['ssh', listOf(readSsh)],
  tests: ['tests', listOf(readTest)],
  sshtests: ['sshTests', listOf(readSshTest)],
  nodeattrs: ['nodeAttrs', listOf(readNodeAttr)],
};

/**
 * Parses a tailnet policy file (HuJSON) as Tailscale reads it: keys in any case (`"ACLs"`, `"Action"`), the
 * legacy spellings (`users`/`ports` in ACL rules, `user`/`allow` in tests) and the current ones. Throws
 * HuJsonError when the text is not a policy file, and PolicyNotModelledError naming every construct the
 * check does not model (unknown sections, `ipsets`, `postures`, `app`/`via`/posture in grants, IP, CIDR and
 * `hosts` selectors, unknown autogroups, …), so a policy it cannot understand is never reported as fine.
 */
export function parsePolicy(text: string): TailscalePolicy {
  const r = new Reader();
  const top = r.fields(parseHuJson(text), '');
  const policy: Record<string, unknown> = {};
  for (const [key, value] of top) {
    const section = SECTIONS[key];
    if (section) policy[section[0]] = section[1](r, value, section[0]);
    else if (!INERT_TOP.has(key)) r.notModelled(`"${key}"`, 'this top-level section is not modelled');
  }
  if (r.unmodelled.length) throw new PolicyNotModelledError(r.unmodelled);
  return policy as TailscalePolicy;
}
