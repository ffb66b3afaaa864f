import { useEffect, useState } from 'react';

/** `value`, handed on only once it stopped changing for `ms` (e.g. filters before they go to a query). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
