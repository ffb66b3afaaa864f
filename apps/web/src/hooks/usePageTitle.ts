import { useEffect } from 'react';

/** Names the browser tab (and what screen readers announce) after the current page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · PodPilot`;
  }, [title]);
}
