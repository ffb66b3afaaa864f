import type { ProviderKind } from '@podpilot/common';
import { errorMessage as describe } from '@podpilot/common';
import { conflict } from '../../lib/http-error.js';
import type { ImageVariant } from '../../providers/image-variants.js';
import type { ComputeProvider } from '../../providers/provider.js';
import type { ProviderRegistry } from '../../providers/registry.js';

// What the lifecycle's parts share (lifecycle.service.ts, lifecycle-launch.ts): options, states, provider lookup.

export interface LifecycleOptions {
  /** How long stop/destroy wait for the agent's final sync. */
  finalSyncMs: number;
  imagePrefix: string;
  /** The images' tag after `<variant>-`; unset: the hub's own version (PODPILOT_IMAGE_TAG). */
  imageTag?: string;
  /** One variant for every launch; unset: per offer, the newest its host's driver runs. */
  imageVariant?: ImageVariant;
  /** The hub URL agents use. */
  hubUrl: () => string;
  /** The owner's budgets, checked before a new rental (BudgetsService). */
  budget?: LaunchBudget;
  /** Per-rental Tailscale keys, and the agent's device removed when the instance is destroyed (not at stop). */
  tailscale?: {
    agentEnv(instanceId: string, provider: string): Promise<Record<string, string>>;
    instanceDestroyed(instanceId: string): Promise<void>;
  };
}

/** What a launch asks of the budgets. */
export interface LaunchBudget {
  /** Throws 409 `budget_exceeded` when the month's cap is spent or the price is above the max $/h. */
  assertLaunchAllowed(pricePerHour: number | null): Promise<void>;
  get(): Promise<{ maxPricePerHour: number | null }>;
}

export { AGENT_STATES } from '@podpilot/common';
export { describe };

/** The provider of `kind`; 409 when it is not configured. */
export async function configuredProvider(
  providers: ProviderRegistry,
  kind: ProviderKind,
): Promise<ComputeProvider> {
  try {
    return await providers.get(kind);
  } catch (error) {
    throw conflict(describe(error));
  }
}
