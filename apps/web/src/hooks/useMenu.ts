import { useEffect, useRef, useState } from 'react';

/**
 * A menu that a button opens: it closes when `closeOn` changes (e.g. the page), on Escape (focus back on the
 * button) and on a click or tap outside the button and the panel.
 */
export function useMenu<P extends HTMLElement = HTMLElement>(closeOn: unknown) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<P>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `closeOn` is the trigger, not an input
  useEffect(() => {
    setOpen(false);
  }, [closeOn]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return { open, toggle: () => setOpen((o) => !o), button, panel };
}
