import { type RefObject, useEffect } from 'react';

interface LoadMore {
  /** There is more to load (and the last attempt did not fail). */
  enabled: boolean;
  /** A load is under way: no second one. */
  loading: boolean;
  loadMore: () => unknown;
}

/** Infinite scroll: `loadMore` runs as `sentinel` (the end of a list) comes within `margin` of the screen. */
export function useLoadMoreOnScroll(
  sentinel: RefObject<Element | null>,
  { enabled, loading, loadMore }: LoadMore,
  margin = '800px',
): void {
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !enabled || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !loading) void loadMore();
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [sentinel, enabled, loading, loadMore, margin]);
}
