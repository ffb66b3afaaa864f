import {
  type ApplyProfileResponse,
  diffProfiles,
  formatProfileIssue,
  type ListProfileVersionsResponse,
  type ProfileDiffResponse,
  type ProfileSummary,
  type ProfileVersionDetail,
  parseProfileYaml,
  profileToYaml,
  unifiedProfileDiff,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { sha256Hex } from '../../lib/crypto.js';
import { iso } from '../../lib/dates.js';
import { conflict, HttpError, notFound } from '../../lib/http-error.js';
import { ProfilesRepository, type ProfileVersionRow } from '../../repositories/profiles.repository.js';

const versionSummary = (row: ProfileVersionRow) => ({ ...row, createdAt: iso(row.createdAt) });

/** Profiles: named environments with immutable versions; a new version only when the content changes. */
export class ProfilesService {
  private readonly profiles: ProfilesRepository;

  constructor(private readonly db: Db) {
    this.profiles = new ProfilesRepository(db);
  }

  /**
   * Validates `yaml` and stores it as the next version of `name` unless it equals the latest version
   * (then `created: false`). Throws 400 naming each problem with its YAML line; changes nothing then.
   */
  async apply(
    name: string,
    yaml: string,
    origin: ProfileVersionRow['origin'] = 'user',
  ): Promise<ApplyProfileResponse> {
    const parsed = parseProfileYaml(yaml);
    if (!parsed.ok) {
      const message = parsed.errors.map((issue) => formatProfileIssue(issue)).join('; ');
      throw new HttpError(400, 'invalid_request', `the profile is not valid: ${message}`, parsed.errors);
    }
    const profile = parsed.profile;
    if (profile.name !== name) {
      throw new HttpError(
        400,
        'invalid_request',
        `name: expected "${name}" (the name in the URL), got "${profile.name}"`,
        [{ path: 'name', message: `expected "${name}" (the name in the URL), got "${profile.name}"` }],
      );
    }
    const canonical = profileToYaml(profile);
    const contentSha256 = sha256Hex(canonical);
    return this.db.transaction(async (tx) => {
      const row = await this.profiles.findOrCreateLocked(name, tx);
      const latest = await this.profiles.latestVersion(row.id, tx);
      if (latest && latest.contentSha256 === contentSha256) {
        return { name, version: latest.version, created: false, warnings: parsed.warnings };
      }
      const version = (latest?.version ?? 0) + 1;
      await this.profiles.insertVersion(
        { profileId: row.id, version, spec: profile, yaml: canonical, contentSha256, origin },
        tx,
      );
      return { name, version, created: true, warnings: parsed.warnings };
    });
  }

  async list(): Promise<ProfileSummary[]> {
    const rows = await this.profiles.listLive();
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      latestVersion: r.latestVersion,
      versionCount: r.versionCount,
      uiKind: r.uiKind,
      updatedAt: iso(r.updatedAt),
    }));
  }

  /** One version (the latest when `version` is null). Throws 404. */
  async get(name: string, version: number | null): Promise<ProfileVersionDetail> {
    const profile = await this.requireProfile(name);
    const row = await this.profiles.getVersion(profile.id, version);
    if (!row) throw notFound(`profile ${name}@${version}`);
    const latest = await this.profiles.latestVersion(profile.id);
    return {
      ...versionSummary(row),
      name,
      spec: row.spec,
      yaml: row.yaml,
      latestVersion: latest?.version ?? row.version,
    };
  }

  async versions(name: string): Promise<ListProfileVersionsResponse> {
    const profile = await this.requireProfile(name);
    return { name, versions: (await this.profiles.listVersions(profile.id)).map(versionSummary) };
  }

  /** Structured and unified diff from version `from` to version `to`. Throws 404 for a missing version. */
  async diff(name: string, from: number, to: number): Promise<ProfileDiffResponse> {
    const [a, b] = await Promise.all([this.get(name, from), this.get(name, to)]);
    return {
      name,
      from,
      to,
      changes: diffProfiles(a.spec, b.spec),
      unified: unifiedProfileDiff(a.spec, b.spec, { from: `${name}@${from}`, to: `${name}@${to}` }),
    };
  }

  /** Deletes the profile (its versions stay for history). Throws 409 while an instance uses it, 404 when absent. */
  async remove(name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const profile = await this.profiles.findLive(name, tx);
      if (!profile) throw notFound(`profile ${name}`);
      const users = await this.profiles.instancesUsing(profile.id, tx);
      if (users.length)
        throw conflict(`profile ${name} is used by instance(s) ${users.join(', ')}; destroy them first`);
      await this.profiles.softDelete(profile.id, tx);
    });
  }

  private async requireProfile(name: string) {
    const profile = await this.profiles.findLive(name);
    if (!profile) throw notFound(`profile ${name}`);
    return profile;
  }
}
