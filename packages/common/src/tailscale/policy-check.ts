import { NotModelledError, runPolicyTests, runSshTests } from './evaluate.js';
import type { TailscaleAcl, TailscaleGrant, TailscalePolicy, TailscaleSshRule } from './policy.js';
import { parseIpEntry, selectorKind, splitHostPorts, touchesPodpilot } from './selectors.js';

const sorted = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort();
const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const within = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));
const show = (value: unknown) => JSON.stringify(value);
const isAny = (selector: string) => selectorKind(selector) === 'any';

function isAllowAllAcl(acl: TailscaleAcl): boolean {
  return (
    acl.action === 'accept' &&
    acl.src.some(isAny) &&
    acl.dst.some((d) => {
      const target = splitHostPorts(d);
      return target !== null && isAny(target.selector) && target.ports === '*';
    })
  );
}

function isAllowAllGrant(grant: TailscaleGrant): boolean {
  return (
    grant.src.some(isAny) && grant.dst.some(isAny) && grant.ip.some((i) => parseIpEntry(i)?.ports === '*')
  );
}

/** A live grant that gives no more than one of the wanted grants (fewer sources, destinations or ports). */
function grantWithin(grant: TailscaleGrant, wanted: readonly TailscaleGrant[]): boolean {
  return wanted.some((w) => within(grant.src, w.src) && within(grant.dst, w.dst) && within(grant.ip, w.ip));
}

function sshRuleWithin(rule: TailscaleSshRule, wanted: readonly TailscaleSshRule[]): boolean {
  return wanted.some(
    (w) => within(rule.src, w.src) && within(rule.dst, w.dst) && within(rule.users, w.users),
  );
}

/** Runs PodPilot's `tests` and `sshTests` against the live policy with the evaluator. */
function evaluatedProblems(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  try {
    const network = runPolicyTests(live, wanted.tests ?? []).map(
      (f) =>
        `the live policy ${f.expected === 'deny' ? 'allows' : 'does not allow'} ${f.src} → ${f.dst} (PodPilot's test wants ${f.expected})`,
    );
    const ssh = runSshTests(live, wanted.sshTests ?? []).map(
      (f) =>
        `Tailscale SSH from ${f.src} to ${f.dst} as ${f.user} is "${f.got}" under the live policy, PodPilot's SSH test wants "${f.expected}"`,
    );
    return [...network, ...ssh];
  } catch (error) {
    if (error instanceof NotModelledError) return [`could not evaluate the live policy: ${error.message}`];
    throw error;
  }
}

/** Grants, ACL rules, SSH rules and device attributes beyond PodPilot's that reach a PodPilot device. */
function extraRules(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  const problems: string[] = [];
  const wantedGrants = wanted.grants ?? [];
  for (const grant of live.grants ?? []) {
    if (isAllowAllGrant(grant) || grantWithin(grant, wantedGrants)) continue;
    if ([...grant.src, ...grant.dst].some(touchesPodpilot))
      problems.push(`extra grant touching the PodPilot tags: ${show(grant)}`);
  }
  for (const acl of live.acls ?? []) {
    if (isAllowAllAcl(acl)) continue;
    const dsts = acl.dst.map((d) => splitHostPorts(d)?.selector ?? d);
    if ([...acl.src, ...dsts].some(touchesPodpilot))
      problems.push(`extra ACL rule touching the PodPilot tags: ${show(acl)}`);
  }
  for (const rule of live.ssh ?? []) {
    if (sshRuleWithin(rule, wanted.ssh ?? [])) continue;
    if ([...rule.src, ...rule.dst].some(touchesPodpilot))
      problems.push(`extra SSH rule touching the PodPilot tags: ${show(rule)}`);
  }
  for (const attr of live.nodeAttrs ?? [])
    if (attr.attr.includes('funnel') && attr.target.some(touchesPodpilot))
      problems.push(`Funnel (public internet access) is allowed on PodPilot devices: ${show(attr)}`);
  return problems;
}

/** Tag owners, the owner's group, and the tests and SSH tests the live file must keep. */
function bookkeeping(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  const problems: string[] = [];
  for (const [tag, owners] of Object.entries(wanted.tagOwners ?? {})) {
    const have = live.tagOwners?.[tag];
    if (!have) problems.push(`tagOwners: ${tag} is missing (want ${show(sorted(owners))})`);
    else if (!sameSet(have, owners))
      problems.push(`tagOwners: ${tag} is owned by ${show(sorted(have))}, want ${show(sorted(owners))}`);
  }
  for (const selector of new Set((wanted.grants ?? []).flatMap((g) => g.src)))
    if (selector.startsWith('group:') && !live.groups?.[selector])
      problems.push(`groups: ${selector} (the owner) is not defined`);

  const liveTests = live.tests ?? [];
  const has = (src: string, kind: 'accept' | 'deny', dst: string) =>
    liveTests.some((t) => t.src === src && t.proto === undefined && (t[kind] ?? []).includes(dst));
  for (const test of wanted.tests ?? [])
    for (const kind of ['accept', 'deny'] as const)
      for (const dst of test[kind] ?? [])
        if (!has(test.src, kind, dst)) problems.push(`missing test: from ${test.src}, ${kind} ${dst}`);

  const liveSsh = live.sshTests ?? [];
  for (const test of wanted.sshTests ?? [])
    for (const kind of ['accept', 'check', 'deny'] as const)
      for (const user of test[kind] ?? [])
        for (const dst of test.dst)
          if (
            !liveSsh.some((t) => t.src === test.src && t.dst.includes(dst) && (t[kind] ?? []).includes(user))
          )
            problems.push(`missing SSH test: from ${test.src} to ${dst}, ${kind} ${user}`);
  return problems;
}

/**
 * What keeps the live policy (read by parsePolicy) from enforcing what PodPilot needs (`wanted`, from
 * podpilotPolicy):
 * - an allow-all rule, in any spelling;
 * - PodPilot's own `tests` and `sshTests` failing when the evaluator runs them against the live policy (who
 *   must reach what, who must not; who may log in to agents over Tailscale SSH, who may not);
 * - a missing PodPilot grant, and any other grant, ACL rule or SSH rule that reaches or comes from a PodPilot
 *   device (`*`, `autogroup:tagged`, a PodPilot tag) and gives more than PodPilot's own rules; Funnel on them;
 * - different owners of the PodPilot tags, an undefined owner group, missing tests and SSH tests.
 * Rules that touch no PodPilot device are the tailnet's own business. Empty when the live policy matches.
 */
export function comparePolicy(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  const problems: string[] = [];
  for (const acl of (live.acls ?? []).filter(isAllowAllAcl))
    problems.push(
      `the default allow-all ACL is present (it lets every device reach every port): ${show(acl)}`,
    );
  for (const grant of (live.grants ?? []).filter(isAllowAllGrant))
    problems.push(`an allow-all grant is present (it lets every device reach every port): ${show(grant)}`);
  problems.push(...evaluatedProblems(live, wanted));
  const liveGrants = live.grants ?? [];
  for (const grant of wanted.grants ?? [])
    if (
      !liveGrants.some(
        (g) => sameSet(g.src, grant.src) && sameSet(g.dst, grant.dst) && sameSet(g.ip, grant.ip),
      )
    )
      problems.push(`missing grant: ${show(grant)}`);
  problems.push(...extraRules(live, wanted), ...bookkeeping(live, wanted));
  return problems;
}
