/** The Tailscale API v2 shapes the client returns, and the readers of its answers (shared/provider-apis.md). */
import { cutToCodeUnits } from '@podpilot/common';
import { isRecord, str } from '../../providers/json.js';

/** A freshly minted auth key; `key` (the secret text) is returned by the API this once only. */
export interface TailscaleAuthKey {
  id: string;
  key: string;
  /** ISO time the key stops working for new devices. */
  expires: string;
}

export interface TailscaleDevice {
  /** The device's id for `DELETE /device/{id}`. */
  id: string;
  nodeId: string;
  /** MagicDNS name (`host.tailnet.ts.net`). */
  name: string;
  /** The machine name the node asked for (`tailscale up --hostname`, `TS_HOSTNAME`). */
  hostname: string;
  addresses: string[];
  tags: string[];
  authorized: boolean;
  isEphemeral: boolean;
  lastSeen: string | null;
  created: string | null;
  expires: string | null;
  os: string;
}

export interface TailscalePolicy {
  /** The policy file exactly as stored (HuJSON). */
  policy: string;
  /** The ETag header, for a conditional update (`If-Match`); null when the API sent none. */
  etag: string | null;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The API's error text: `{"message": …}` for the API, `{"error", "error_description"}` for OAuth. */
export function describe(body: unknown, text: string): string {
  if (isRecord(body)) {
    const message = str(body.message) ?? str(body.error_description) ?? str(body.error);
    if (message) return message;
  }
  return cutToCodeUnits(text, 200);
}

/** One device of `GET /tailnet/{t}/devices`, normalised; null when it has no id. */
export function device(value: unknown): TailscaleDevice | null {
  if (!isRecord(value)) return null;
  const id = str(value.id) ?? (typeof value.id === 'number' ? String(value.id) : null);
  if (!id) return null;
  return {
    id,
    nodeId: str(value.nodeId) ?? '',
    name: str(value.name) ?? '',
    hostname: str(value.hostname) ?? '',
    addresses: strings(value.addresses),
    tags: strings(value.tags),
    authorized: value.authorized === true,
    isEphemeral: value.isEphemeral === true,
    lastSeen: str(value.lastSeen),
    created: str(value.created),
    expires: str(value.expires),
    os: str(value.os) ?? '',
  };
}
