import type { ProfileIssue } from '@podpilot/common';
import { useRef } from 'react';
import { offsetOf } from '../../lib/profiles';

/** The editor's textarea, and a way to put the caret on an issue's line and column (scrolled into view). */
export function useGoToIssue(text: string) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const goTo = (issue: ProfileIssue) => {
    const element = textarea.current;
    if (!element || issue.line === null) return;
    const offset = offsetOf(text, issue.line, issue.column);
    element.focus();
    element.setSelectionRange(offset, offset);
    // The textarea never scrolls itself (it is as tall as its text): bring the line into view.
    element.parentElement?.children[0]?.children[issue.line - 1]?.scrollIntoView({ block: 'nearest' });
  };
  return { textarea, goTo };
}
