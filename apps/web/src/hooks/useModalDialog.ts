import { type RefObject, useEffect, useRef } from 'react';

/**
 * Opens a `<dialog>` as a modal for as long as the component is mounted (focus moves in and stays, the page
 * behind is inert) and focuses its `[data-initial-focus]` element. `isMounted()` tells a `close` event the
 * reader asked for from the one of unmounting.
 */
export function useModalDialog(): { ref: RefObject<HTMLDialogElement | null>; isMounted: () => boolean } {
  const ref = useRef<HTMLDialogElement>(null);
  const mounted = useRef(false);
  useEffect(() => {
    const element = ref.current;
    mounted.current = true;
    if (element && !element.open) element.showModal();
    // showModal() focuses the first button; start where the dialog says instead.
    element?.querySelector<HTMLElement>('[data-initial-focus]')?.focus();
    return () => {
      mounted.current = false; // closing on the way out is not the reader asking to close
      element?.close();
    };
  }, []);
  return { ref, isMounted: () => mounted.current };
}
