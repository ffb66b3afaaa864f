import { Profile, type RegisterResponse } from '@podpilot/common';
import type { InstanceAgentRepository } from '../../repositories/instances.repository.js';

/** The profile an agent works from: name, version and parsed spec, or null for an instance without one. */
export type AgentProfile = RegisterResponse['profile'];

/** The profile version the instance was launched from, or null. */
export async function launchedProfile(
  instances: InstanceAgentRepository,
  instanceId: string,
): Promise<AgentProfile> {
  const profile = await instances.profileOf(instanceId);
  return profile ? { name: profile.name, version: profile.version, spec: Profile.parse(profile.spec) } : null;
}

/** The entry of the instance's own profile for `sha256`, if it lists one. */
export async function ownModel(instances: InstanceAgentRepository, instanceId: string, sha256: string) {
  return (await launchedProfile(instances, instanceId))?.spec.models.find((m) => m.sha256 === sha256);
}
