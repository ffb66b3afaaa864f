import type { ProfileIssue } from '@podpilot/common';
import { errorMessage } from '@podpilot/common';
import { useEffect, useRef, useState } from 'react';

export interface ProfileCheckRequest {
  id: number;
  text: string;
}

/** What the shared parser (`parseProfileYaml`) says about one text: its name when valid, and every issue. */
export interface ProfileCheckResponse {
  id: number;
  text: string;
  name: string | null;
  errors: ProfileIssue[];
  warnings: ProfileIssue[];
}

export type ProfileCheck =
  | { state: 'checking' }
  | { state: 'done'; text: string; name: string | null; errors: ProfileIssue[]; warnings: ProfileIssue[] }
  /** The worker could not run: the hub still validates on save. */
  | { state: 'unavailable'; message: string };

/** Validates `text` as you type, in a worker, with the parser the hub and CLI use. */
export function useProfileCheck(text: string): ProfileCheck {
  const worker = useRef<Worker | null>(null);
  const lastId = useRef(0);
  const [check, setCheck] = useState<ProfileCheck>({ state: 'checking' });

  useEffect(() => {
    let instance: Worker;
    try {
      instance = new Worker(new URL('./profile-check.worker.ts', import.meta.url), { type: 'module' });
    } catch (error) {
      setCheck({ state: 'unavailable', message: errorMessage(error) });
      return;
    }
    instance.onmessage = (event: MessageEvent<ProfileCheckResponse>) => {
      const { id, ...rest } = event.data;
      // Answers to older texts are dropped: only the latest one counts.
      if (id === lastId.current) setCheck({ state: 'done', ...rest });
    };
    instance.onerror = (event) => {
      setCheck({ state: 'unavailable', message: event.message || 'the checker failed to start' });
    };
    worker.current = instance;
    return () => {
      instance.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    // A short pause while typing fast; the first text goes at once.
    const delay = lastId.current === 0 ? 0 : 120;
    const timer = setTimeout(() => {
      lastId.current += 1;
      worker.current?.postMessage({ id: lastId.current, text } satisfies ProfileCheckRequest);
    }, delay);
    return () => clearTimeout(timer);
  }, [text]);

  return check;
}
