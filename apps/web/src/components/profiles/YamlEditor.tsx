import type { ProfileIssue } from '@podpilot/common';
import type { KeyboardEvent, RefObject } from 'react';
import { issueText, type LineIssues } from '../../lib/profiles';

interface YamlEditorProps {
  text: string;
  onChange: (text: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => void;
  /** The issues of each line (1-based), shown in the gutter and after the line. */
  byLine: Map<number, LineIssues>;
  invalid: boolean;
  labelId: string;
  issuesId: string;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
}

/** A textarea with line numbers, each line's first problem shown after it (an overlay under the text). */
export function YamlEditor({
  text,
  onChange,
  onKeyDown,
  byLine,
  invalid,
  labelId,
  issuesId,
  textareaRef,
}: YamlEditorProps) {
  const lines = text.split('\n');
  return (
    <div
      className={
        'max-h-[70vh] overflow-auto rounded-lg border bg-white shadow-sm focus-within:outline-2 ' +
        'focus-within:outline-offset-2 focus-within:outline-indigo-500 dark:bg-slate-950 ' +
        (invalid ? 'border-red-300 dark:border-red-900' : 'border-slate-200 dark:border-slate-800')
      }
    >
      <div className="flex w-max min-w-full font-mono text-[13px] leading-6">
        <Gutter count={lines.length} byLine={byLine} />
        <div className="relative flex-1">
          {/* The text again, invisible, with each line's problems after it; the textarea sits on top. */}
          <div aria-hidden="true" className="px-3 py-2 whitespace-pre text-transparent select-none">
            {lines.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line is its position.
              <OverlayLine key={index} line={line} issues={byLine.get(index + 1)} />
            ))}
          </div>
          <textarea
            ref={textareaRef}
            value={text}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={onKeyDown}
            aria-labelledby={labelId}
            aria-describedby={issuesId}
            aria-invalid={invalid || undefined}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            autoComplete="off"
            className="absolute inset-0 block size-full resize-none overflow-hidden bg-transparent px-3 py-2 whitespace-pre text-slate-900 caret-indigo-600 outline-none dark:text-slate-100 dark:caret-indigo-400"
          />
        </div>
      </div>
    </div>
  );
}

/** Line numbers, red or amber where a line has a problem. */
function Gutter({ count, byLine }: { count: number; byLine: Map<number, LineIssues> }) {
  return (
    <div
      aria-hidden="true"
      className="sticky left-0 z-10 border-r border-slate-200 bg-slate-50 py-2 pr-2 pl-3 text-right text-slate-400 select-none dark:border-slate-800 dark:bg-slate-900 dark:text-slate-500"
    >
      {Array.from({ length: count }, (_, index) => {
        const issues = byLine.get(index + 1);
        const tone = issues?.errors.length
          ? 'font-semibold text-red-600 dark:text-red-400'
          : issues?.warnings.length
            ? 'font-semibold text-amber-600 dark:text-amber-400'
            : '';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a line number is its position.
          <div key={index} className={tone}>
            {index + 1}
          </div>
        );
      })}
    </div>
  );
}

function OverlayLine({ line, issues }: { line: string; issues: LineIssues | undefined }) {
  const error = issues?.errors[0];
  const warning = issues?.warnings[0];
  const more = (issues?.errors.length ?? 0) + (issues?.warnings.length ?? 0) - 1;
  return (
    <div
      className={
        error
          ? '-mx-3 bg-red-50 px-3 dark:bg-red-950/40'
          : warning
            ? '-mx-3 bg-amber-50 px-3 dark:bg-amber-950/30'
            : ''
      }
    >
      {line === '' ? ' ' : line}
      {error || warning ? (
        <span
          className={`ml-6 font-sans text-xs ${error ? 'text-red-700 dark:text-red-300' : 'text-amber-700 dark:text-amber-300'}`}
        >
          {error ? '✖' : '⚠'} {issueText((error ?? warning) as ProfileIssue)}
          {more > 0 ? ` (+${more} more)` : ''}
        </span>
      ) : null}
    </div>
  );
}
