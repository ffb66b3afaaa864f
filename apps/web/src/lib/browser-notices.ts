import type { LiveInstance } from '@podpilot/common';
import { STOP_TITLES } from './instance-page';

/** A notification the browser shows (the Notification API); `tag` folds repeats of one instance's news. */
export interface BrowserNotice {
  title: string;
  body: string;
  tag: string;
}

/** Where the owner's choice is kept: per browser, as the permission itself is. */
export const BROWSER_NOTICES_KEY = 'podpilot.browser-notices';

/** States an instance reaches from `ready` and back without news (idle is activity, not a change of fate). */
const QUIET_READY = new Set(['ready', 'idle']);

function noticeOf(before: LiveInstance, after: LiveInstance): BrowserNotice | null {
  const tag = `podpilot-${after.id}`;
  switch (after.state) {
    case 'ready':
      return QUIET_READY.has(before.state)
        ? null
        : { title: `${after.name} is ready`, body: 'Its WebUI is up.', tag };
    case 'failed':
      return { title: `${after.name} failed`, body: after.stateReason ?? 'The hub recorded no reason.', tag };
    case 'stopped': {
      const title = after.stopReason ? STOP_TITLES[after.stopReason] : 'Stopped';
      return { title: `${after.name}: ${title}`, body: after.stateReason ?? 'Its disk is kept.', tag };
    }
    default:
      return null;
  }
}

/**
 * What the owner would want to hear of between two views of the instances list: an instance that became
 * ready (not back from idle), failed (with the reason) or stopped (with why). Instances new in `after` or
 * without a `before` view say nothing: a page that just loaded announces no history.
 */
export function noticesBetween(
  before: readonly LiveInstance[] | undefined,
  after: readonly LiveInstance[],
): BrowserNotice[] {
  if (!before) return [];
  const previous = new Map(before.map((i) => [i.id, i]));
  const notices: BrowserNotice[] = [];
  for (const instance of after) {
    const was = previous.get(instance.id);
    if (!was || was.state === instance.state) continue;
    const notice = noticeOf(was, instance);
    if (notice) notices.push(notice);
  }
  return notices;
}
