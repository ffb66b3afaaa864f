import type { HubConnection } from '../hub/hub-connection.js';
import { type PromotionOutcome, promoteModels } from '../provision/promote-models.js';
import type { ModelOutcome } from '../provision/provision-models.js';
import type { Say } from './terminal.js';

/**
 * Puts the models fetched from their own URL into the library while the WebUI runs, so the next instance gets
 * them from storage, and reports each outcome. Resolves when done; a stop (`signal`) ends it quietly: the hub
 * resumes the upload next time.
 */
export function promoteFetchedModels(
  hub: HubConnection,
  models: ModelOutcome[],
  say: Say,
  signal: AbortSignal,
): Promise<void> {
  const promotable = models
    .filter((m) => m.from === 'url')
    .map((m) => ({ name: m.name, sha256: m.sha256, path: m.cachePath, sizeBytes: m.sizeBytes }));
  if (!promotable.length) return Promise.resolve();
  return promoteModels(hub, promotable, signal).then(
    (outcomes) => report(hub, outcomes, say),
    () => {},
  );
}

async function report(hub: HubConnection, outcomes: PromotionOutcome[], say: Say): Promise<void> {
  for (const o of outcomes) {
    if (o.status === 'failed') {
      say(`model ${o.name}: not added to the library: ${o.error}`, 'warn');
      await hub.event({ level: 'warn', kind: 'model.promotion-failed', message: `${o.name}: ${o.error}` });
    } else {
      say(`model ${o.name}: ${o.status === 'exists' ? 'already in' : 'added to'} the library`);
      await hub.event({
        level: 'info',
        kind: 'model.promoted',
        message: `${o.name} is in the library`,
        data: { sha256: o.sha256, sentBytes: o.sentBytes },
      });
    }
  }
}
