import { useEffect, useState } from 'react';

/**
 * The search box's text: follows the URL's `q` (Back, a cleared filter) and sends typing to it once the
 * typist pauses for `ms`.
 */
export function useSearchText(q: string | undefined, send: (q: string | undefined) => void, ms = 350) {
  const [text, setText] = useState(q ?? '');
  useEffect(() => setText(q ?? ''), [q]);
  useEffect(() => {
    const next = text.trim() || undefined;
    if (next === q) return;
    const timer = setTimeout(() => send(next), ms);
    return () => clearTimeout(timer);
  }, [text, q, send, ms]);
  return [text, setText] as const;
}
