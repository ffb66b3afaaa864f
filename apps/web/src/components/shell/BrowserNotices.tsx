import { useLiveInstances } from '../../api/live';
import { useBrowserNotices, useBrowserNoticesState } from '../../hooks/useBrowserNotices';

/** Keeps the live feed open on every page while browser notifications are on (its news is what they tell). */
function FollowLive() {
  useLiveInstances();
  return null;
}

/** Browser notifications of the instances' news, on any page of the app, when the owner turned them on. */
export function BrowserNotices() {
  useBrowserNotices();
  return useBrowserNoticesState() === 'on' ? <FollowLive /> : null;
}
