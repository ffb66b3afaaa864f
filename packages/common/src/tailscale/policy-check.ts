import { z } from 'zod';
import { TAILSCALE_TAGS } from '../api/tailscale.js';
import { HuJsonError, parseHuJson } from './hujson.js';
import type {
  TailscaleAcl,
  TailscaleGrant,
  TailscalePolicy,
  TailscaleSshRule,
  TailscaleTest,
} from './policy.js';

const strings = z.array(z.string());
/** The policy file's sections that matter here; anything else in the file is kept but not looked at. */
const PolicyShape = z
  .object({
    groups: z.record(z.string(), strings).optional(),
    hosts: z.record(z.string(), z.string()).optional(),
    tagOwners: z.record(z.string(), strings).optional(),
    acls: z
      .array(z.looseObject({ action: z.string(), src: strings, dst: strings, proto: z.string().optional() }))
      .optional(),
    grants: z
      .array(
        z.looseObject({ src: strings, dst: strings, ip: strings.optional(), app: z.unknown().optional() }),
      )
      .optional(),
    tests: z
      .array(z.looseObject({ src: z.string(), accept: strings.optional(), deny: strings.optional() }))
      .optional(),
    ssh: z
      .array(z.looseObject({ action: z.string(), src: strings, dst: strings, users: strings.optional() }))
      .optional(),
  })
  .loose();

/** Parses a policy file (HuJSON text) into its sections; throws HuJsonError when it is not one. */
export function parsePolicy(text: string): TailscalePolicy {
  const parsed = PolicyShape.safeParse(parseHuJson(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HuJsonError(
      `not a tailnet policy file: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`,
    );
  }
  const p = parsed.data;
  return {
    ...(p.groups ? { groups: p.groups } : {}),
    ...(p.hosts ? { hosts: p.hosts } : {}),
    ...(p.tagOwners ? { tagOwners: p.tagOwners } : {}),
    ...(p.acls ? { acls: p.acls as TailscaleAcl[] } : {}),
    // A grant with only `app` (application capabilities) has no `ip`: it opens no network path.
    ...(p.grants ? { grants: p.grants.map((g) => ({ ...g, ip: g.ip ?? [] })) as TailscaleGrant[] } : {}),
    ...(p.tests ? { tests: p.tests as TailscaleTest[] } : {}),
    ...(p.ssh ? { ssh: p.ssh.map((r) => ({ ...r, users: r.users ?? [] })) as TailscaleSshRule[] } : {}),
  };
}

const sorted = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort();
const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const show = (value: unknown) => JSON.stringify(value);

/** The selector part of an ACL destination: `tag:x:80,443` → `tag:x`, `*:*` → `*`. */
function aclDstSelector(dst: string): string {
  const colon = dst.lastIndexOf(':');
  return colon < 0 ? dst : dst.slice(0, colon);
}

/** Does this selector (as a source or destination) cover a PodPilot device? `*` covers every device. */
function touchesPodpilot(selector: string): boolean {
  const tags: string[] = Object.values(TAILSCALE_TAGS);
  return selector === '*' || tags.includes(selector);
}

function isAllowAllAcl(acl: TailscaleAcl): boolean {
  return acl.action === 'accept' && acl.src.includes('*') && acl.dst.includes('*:*');
}

function isAllowAllGrant(grant: TailscaleGrant): boolean {
  return grant.src.includes('*') && grant.dst.includes('*') && grant.ip.includes('*');
}

function sameGrant(a: TailscaleGrant, b: TailscaleGrant): boolean {
  return sameSet(a.src, b.src) && sameSet(a.dst, b.dst) && sameSet(a.ip, b.ip);
}

function sameSshRule(a: TailscaleSshRule, b: TailscaleSshRule): boolean {
  return a.action === b.action && sameSet(a.src, b.src) && sameSet(a.dst, b.dst) && sameSet(a.users, b.users);
}

/** Missing Tailscale SSH rules, and other rules that let anyone log in to (or from) a PodPilot device. */
function sshProblems(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  const liveRules = live.ssh ?? [];
  const wantedRules = wanted.ssh ?? [];
  const problems: string[] = [];
  for (const rule of wantedRules)
    if (!liveRules.some((r) => sameSshRule(r, rule))) problems.push(`missing SSH rule: ${show(rule)}`);
  for (const rule of liveRules) {
    if (wantedRules.some((r) => sameSshRule(r, rule))) continue;
    if ([...rule.src, ...rule.dst].some(touchesPodpilot))
      problems.push(`extra SSH rule touching the PodPilot tags: ${show(rule)}`);
  }
  return problems;
}

/**
 * What keeps the live policy from enforcing what PodPilot needs (`wanted`, from podpilotPolicy): a default
 * allow-all, a missing or changed grant, any other grant or ACL rule that reaches or comes from a PodPilot tag
 * (or `*`), a missing Tailscale SSH rule or another one touching a PodPilot tag, different owners of the
 * PodPilot tags, and missing tests. Rules that touch neither PodPilot tag nor `*` are the tailnet's own
 * business and are not reported. Empty when the live policy matches.
 */
export function comparePolicy(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  const problems: string[] = [];
  const liveAcls = live.acls ?? [];
  const liveGrants = live.grants ?? [];
  const wantedGrants = wanted.grants ?? [];

  for (const acl of liveAcls.filter(isAllowAllAcl))
    problems.push(
      `the default allow-all ACL is present (it lets every device reach every port): ${show(acl)}`,
    );
  for (const grant of liveGrants.filter(isAllowAllGrant))
    problems.push(`an allow-all grant is present (it lets every device reach every port): ${show(grant)}`);

  for (const grant of wantedGrants)
    if (!liveGrants.some((g) => sameGrant(g, grant))) problems.push(`missing grant: ${show(grant)}`);

  for (const grant of liveGrants) {
    if (isAllowAllGrant(grant) || wantedGrants.some((g) => sameGrant(g, grant))) continue;
    if (!grant.ip.length) continue; // application capabilities only
    if ([...grant.src, ...grant.dst].some(touchesPodpilot))
      problems.push(`extra grant touching the PodPilot tags: ${show(grant)}`);
  }
  for (const acl of liveAcls) {
    if (isAllowAllAcl(acl) || acl.action !== 'accept') continue;
    if ([...acl.src, ...acl.dst.map(aclDstSelector)].some(touchesPodpilot))
      problems.push(`extra ACL rule touching the PodPilot tags: ${show(acl)}`);
  }

  for (const [tag, owners] of Object.entries(wanted.tagOwners ?? {})) {
    const have = live.tagOwners?.[tag];
    if (!have) problems.push(`tagOwners: ${tag} is missing (want ${show(sorted(owners))})`);
    else if (!sameSet(have, owners))
      problems.push(`tagOwners: ${tag} is owned by ${show(sorted(have))}, want ${show(sorted(owners))}`);
  }

  for (const selector of new Set(wantedGrants.flatMap((g) => g.src)))
    if (selector.startsWith('group:') && !live.groups?.[selector])
      problems.push(`groups: ${selector} (the owner) is not defined`);

  problems.push(...sshProblems(live, wanted));

  const liveTests = live.tests ?? [];
  const has = (src: string, kind: 'accept' | 'deny', dst: string) =>
    liveTests.some((t) => t.src === src && (t[kind] ?? []).includes(dst));
  for (const test of wanted.tests ?? []) {
    for (const kind of ['accept', 'deny'] as const)
      for (const dst of test[kind] ?? [])
        if (!has(test.src, kind, dst)) problems.push(`missing test: from ${test.src}, ${kind} ${dst}`);
  }
  return problems;
}
