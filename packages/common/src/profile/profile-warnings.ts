import type { Profile } from './profile.schema.js';
import { type ProfileIssue, type RawIssue, unlocated } from './profile-issues.js';
import { isCommit } from './profile-values.js';
import { UI_KINDS } from './ui-kinds.js';

const NOT_SECRET_STORAGE = 'profiles are not secret storage (they are versioned, shared and never deleted)';
const SECRET_NAME = /(?:^|_)(?:TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i;
const SECRET_QUERY = /^(?:token|access_token|api_key|apikey|key|password|secret)$/i;
const LOOPBACK = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

function urlWarnings(url: string, segments: (string | number)[]): RawIssue[] {
  const out: RawIssue[] = [];
  const parsed = new URL(url);
  const secret = [...parsed.searchParams.keys()].find((key) => SECRET_QUERY.test(key));
  if (secret !== undefined) {
    out.push({
      segments,
      atKey: false,
      message: `the URL carries a "${secret}" parameter; ${NOT_SECRET_STORAGE}`,
    });
  }
  if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname)) {
    out.push({
      segments,
      atKey: false,
      message: 'downloads over plain http; the sha256 check still rejects a tampered file, but prefer https',
    });
  }
  return out;
}

/** Legal but risky choices, before they are located in the YAML. */
export function rawProfileWarnings(profile: Profile): RawIssue[] {
  const out: RawIssue[] = [];
  if (!isCommit(profile.ui.ref)) {
    out.push({
      segments: ['ui', 'ref'],
      atKey: false,
      message: `${JSON.stringify(profile.ui.ref)} is a tag or branch; pin a 40-hex commit for an exact rebuild`,
    });
  }

  const bySha = new Map<string, number>();
  profile.models.forEach((model, index) => {
    const first = bySha.get(model.sha256);
    if (first === undefined) bySha.set(model.sha256, index);
    else {
      out.push({
        segments: ['models', index, 'sha256'],
        atKey: false,
        message: `same file as models[${first}] (${JSON.stringify(profile.models[first]?.name)}); it is stored once and linked under both names`,
      });
    }
    if (model.source.url !== undefined)
      out.push(...urlWarnings(model.source.url, ['models', index, 'source', 'url']));
  });

  for (const key of Object.keys(profile.env).sort()) {
    if (SECRET_NAME.test(key)) {
      out.push({
        segments: ['env', key],
        atKey: true,
        message: `${key} looks like a secret; ${NOT_SECRET_STORAGE}`,
      });
    }
  }

  // The launch args fix the port and address the agent reaches the UI on; a second value wins in most UIs.
  const launchFlags = new Set(UI_KINDS[profile.ui.kind].launch.args.filter((arg) => arg.startsWith('--')));
  profile.args.forEach((arg, index) => {
    const flag = arg.split('=')[0] ?? arg;
    if (launchFlags.has(flag)) {
      out.push({
        segments: ['args', index],
        atKey: false,
        message: `${flag} is already set by the ${profile.ui.kind} launch command; overriding it can cut the UI off from podpilot`,
      });
    }
  });
  return out;
}

/** Legal but risky choices in a valid profile: unpinned UI ref, secrets, duplicate files, port overrides. */
export function profileWarnings(profile: Profile): ProfileIssue[] {
  return rawProfileWarnings(profile).map(unlocated);
}
