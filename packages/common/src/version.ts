/** Reported by the hub in /health and by agents at registration. Bump with each release. */
export const PODPILOT_VERSION = '0.1.0';
