import { join } from 'node:path';
import type { ProviderKind } from '@podpilot/common';
import { LocalProvider, type LocalProviderOptions } from './local/local-provider.js';
import { OfferMemory } from './offer-memory.js';
import type { ComputeProvider } from './provider.js';
import { RunpodProvider } from './runpod/runpod-provider.js';
import { VastAiProvider } from './vastai/vastai-provider.js';

/**
 * Where the registry reads provider API keys (`<kind>.api_key`): the hub's encrypted secrets. Declared here so
 * providers depend on no service (the secrets service satisfies it).
 */
export interface ProviderKeySource {
  /** The decrypted value, or null when not set. Throws when the stored value cannot be decrypted. */
  reveal(name: string): Promise<string | null>;
}

export const PROVIDER_KINDS: readonly ProviderKind[] = ['local', 'vastai', 'runpod'];

export interface ProviderRegistryOptions {
  /** `<PODPILOT_HOME>`: the local provider keeps its instances in `<home>/local-instances`. */
  home: string;
  /** The hub's URL as agents reach it; read at launch time (known once the hub listens). */
  hubUrl: () => string;
  vastaiUrl?: string | undefined;
  runpodUrl?: string | undefined;
  /** Per provider HTTP request. Default 30 s (tests use a short one). */
  timeoutMs?: number;
  /** Wait after a 429 that names none. */
  defaultRetryAfterMs?: number;
  /** The local provider's agent command and stop timeout (tests run a small script). */
  local?: Pick<LocalProviderOptions, 'command' | 'stopTimeoutMs'>;
}

/** Why a provider cannot be used right now (no API key, undecryptable key). */
export class ProviderNotConfiguredError extends Error {
  override name = 'ProviderNotConfiguredError';
  constructor(
    readonly provider: ProviderKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds the providers: `local` always; `vastai` and `runpod` when their `<kind>.api_key` secret exists.
 * Remote adapters are rebuilt when the stored key changes (read per call: one small query), so
 * `podpilot secrets set vastai.api_key` takes effect without a restart. API keys are never logged.
 */
export class ProviderRegistry {
  /** What searches answered about each offer (its host's CUDA version), for choosing the image at launch. */
  readonly offers = new OfferMemory();
  private local: LocalProvider | undefined;
  private readonly remote = new Map<ProviderKind, { apiKey: string; provider: ComputeProvider }>();

  constructor(
    private readonly secrets: ProviderKeySource,
    private readonly options: ProviderRegistryOptions,
  ) {}

  /** The provider, or throws ProviderNotConfiguredError naming the secret to set. */
  async get(kind: ProviderKind): Promise<ComputeProvider> {
    if (kind === 'local') {
      this.local ??= new LocalProvider({
        root: join(this.options.home, 'local-instances'),
        env: { PODPILOT_HUB_URL: this.options.hubUrl() },
        ...this.options.local,
      });
      return this.local;
    }
    const apiKey = await this.secrets.reveal(`${kind}.api_key`).catch((error: unknown) => {
      throw new ProviderNotConfiguredError(kind, (error as Error).message);
    });
    if (!apiKey) {
      throw new ProviderNotConfiguredError(
        kind,
        `${kind} has no API key: run podpilot secrets set ${kind}.api_key`,
      );
    }
    const cached = this.remote.get(kind);
    if (cached?.apiKey === apiKey) return cached.provider;
    const common = {
      apiKey,
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      ...(this.options.defaultRetryAfterMs === undefined
        ? {}
        : { defaultRetryAfterMs: this.options.defaultRetryAfterMs }),
    };
    const provider =
      kind === 'vastai'
        ? new VastAiProvider({
            ...common,
            ...(this.options.vastaiUrl ? { baseUrl: this.options.vastaiUrl } : {}),
          })
        : new RunpodProvider({
            ...common,
            ...(this.options.runpodUrl ? { baseUrl: this.options.runpodUrl } : {}),
          });
    this.remote.set(kind, { apiKey, provider });
    return provider;
  }

  /** Every configured provider; the others with the reason they are not. */
  async all(): Promise<{
    providers: ComputeProvider[];
    unavailable: { provider: ProviderKind; reason: string }[];
  }> {
    const providers: ComputeProvider[] = [];
    const unavailable: { provider: ProviderKind; reason: string }[] = [];
    for (const kind of PROVIDER_KINDS) {
      try {
        providers.push(await this.get(kind));
      } catch (error) {
        if (!(error instanceof ProviderNotConfiguredError)) throw error;
        unavailable.push({ provider: kind, reason: error.message });
      }
    }
    return { providers, unavailable };
  }
}
