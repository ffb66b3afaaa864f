import type { ApplyProfileResponse, ProfileIssue } from '@podpilot/common';
import { Link, useBlocker } from '@tanstack/react-router';
import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { useApplyProfile } from '../../api/profiles';
import { useProfileCheck } from '../../lib/profile-check';
import { issuesByLine, issueText, offsetOf } from '../../lib/profiles';
import { Button } from '../Button';
import { ErrorAlert } from '../ErrorAlert';

interface ProfileEditorProps {
  initialYaml: string;
  /** Editing a profile: its name, which the YAML must keep. Null for a new profile (the name comes from the YAML). */
  fixedName: string | null;
  /** Names already taken, to say that saving a new profile under one adds a version to it. */
  existingNames?: readonly string[];
}

/** The line of the top-level `name:` key (1-based), or 1. */
function nameLine(lines: readonly string[]): number {
  const index = lines.findIndex((line) => /^name\s*:/.test(line));
  return index === -1 ? 1 : index + 1;
}

/** `name: x` at the top level, read without the parser (only when the checker could not run). */
function nameFromText(text: string): string | null {
  const match = /^name\s*:\s*["']?([a-z0-9][a-z0-9._-]*)["']?\s*$/m.exec(text);
  return match?.[1] ?? null;
}

/**
 * A YAML editor for a profile: line numbers, validation as you type with the hub's own parser (each problem
 * shown at the end of its line and listed below), and Save (Ctrl/⌘+S), which shows the hub's answer.
 */
export function ProfileEditor({ initialYaml, fixedName, existingNames = [] }: ProfileEditorProps) {
  const [text, setText] = useState(initialYaml);
  const [saved, setSaved] = useState(initialYaml);
  const check = useProfileCheck(text);
  const apply = useApplyProfile();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const labelId = useId();
  const issuesId = useId();

  const lines = useMemo(() => text.split('\n'), [text]);
  const done = check.state === 'done' ? check : null;
  // Issues of the last text checked: while typing, they stay on screen until the next answer.
  const parsedName = done?.name ?? null;
  const errors: ProfileIssue[] = useMemo(() => {
    if (!done) return [];
    if (done.errors.length > 0) return done.errors;
    if (fixedName !== null && done.name !== null && done.name !== fixedName) {
      const line = nameLine(done.text.split('\n'));
      const message = `expected "${fixedName}" (this profile's name), got "${done.name}"; to copy it under another name, start a new profile`;
      return [{ path: 'name', line, column: 1, message }];
    }
    return [];
  }, [done, fixedName]);
  const warnings = done?.warnings ?? [];
  const byLine = useMemo(() => issuesByLine(errors, warnings), [errors, warnings]);

  const unavailable = check.state === 'unavailable' ? check.message : null;
  const validating = unavailable === null && done?.text !== text;
  const dirty = text !== saved;
  const name = fixedName ?? parsedName ?? (unavailable !== null ? nameFromText(text) : null);
  const canSave = errors.length === 0 && !validating && name !== null && !apply.isPending;
  const addsToExisting = fixedName === null && parsedName !== null && existingNames.includes(parsedName);

  useBlocker({
    shouldBlockFn: () => dirty && !window.confirm('Leave without saving your changes to this profile?'),
    enableBeforeUnload: () => dirty,
  });

  const save = () => {
    if (!canSave || name === null) return;
    const yaml = text;
    apply.mutate({ name, yaml }, { onSuccess: () => setSaved(yaml) });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      save();
    }
  };

  const goTo = (issue: ProfileIssue) => {
    const element = textarea.current;
    if (!element || issue.line === null) return;
    const offset = offsetOf(text, issue.line, issue.column);
    element.focus();
    element.setSelectionRange(offset, offset);
    // The textarea never scrolls itself (it is as tall as its text): bring the line into view.
    element.parentElement?.children[0]?.children[issue.line - 1]?.scrollIntoView({ block: 'nearest' });
  };

  const listed = [
    ...errors.map((issue) => ({ issue, tone: 'error' as const })),
    ...warnings.map((issue) => ({ issue, tone: 'warning' as const })),
  ];
  const summary =
    errors.length === 0 && warnings.length === 0
      ? 'No problems found.'
      : [
          errors.length ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : null,
          warnings.length ? `${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : null,
        ]
          .filter(Boolean)
          .join(', ');

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p id={labelId} className="text-sm font-medium text-slate-800 dark:text-slate-200">
          Profile YAML{' '}
          <span className="font-normal text-slate-500 dark:text-slate-400">
            — checked as you type{dirty ? ' · unsaved changes' : ''}
          </span>
        </p>
        <div className="flex flex-wrap items-center gap-2">
          <span className="hidden text-xs text-slate-500 sm:inline dark:text-slate-400">Ctrl/⌘ + S</span>
          <Button onClick={save} disabled={!canSave} busy={apply.isPending} busyLabel="Saving…">
            {fixedName === null ? 'Create profile' : 'Save new version'}
          </Button>
        </div>
      </div>

      <div
        className={
          'max-h-[70vh] overflow-auto rounded-lg border bg-white shadow-sm focus-within:outline-2 ' +
          'focus-within:outline-offset-2 focus-within:outline-indigo-500 dark:bg-slate-950 ' +
          (errors.length ? 'border-red-300 dark:border-red-900' : 'border-slate-200 dark:border-slate-800')
        }
      >
        <div className="flex w-max min-w-full font-mono text-[13px] leading-6">
          <div
            aria-hidden="true"
            className="sticky left-0 z-10 border-r border-slate-200 bg-slate-50 py-2 pr-2 pl-3 text-right text-slate-400 select-none dark:border-slate-800 dark:bg-slate-900 dark:text-slate-500"
          >
            {lines.map((_, index) => {
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
          <div className="relative flex-1">
            {/* The text again, invisible, with each line's problems after it; the textarea sits on top. */}
            <div aria-hidden="true" className="px-3 py-2 whitespace-pre text-transparent select-none">
              {lines.map((line, index) => {
                const issues = byLine.get(index + 1);
                const error = issues?.errors[0];
                const warning = issues?.warnings[0];
                const more = (issues?.errors.length ?? 0) + (issues?.warnings.length ?? 0) - 1;
                return (
                  <div
                    // biome-ignore lint/suspicious/noArrayIndexKey: a line is its position.
                    key={index}
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
              })}
            </div>
            <textarea
              ref={textarea}
              value={text}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={onKeyDown}
              aria-labelledby={labelId}
              aria-describedby={issuesId}
              aria-invalid={errors.length > 0 || undefined}
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

      <div id={issuesId}>
        <p
          role="status"
          className={`text-sm ${errors.length ? 'text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-400'}`}
        >
          {unavailable !== null
            ? `Checking as you type is not available here (${unavailable}); the hub checks the profile when you save.`
            : validating
              ? 'Checking…'
              : summary}
          {errors.length && !validating && unavailable === null ? '. Fix the errors to save.' : ''}
        </p>
        {listed.length > 0 ? (
          <ul className="mt-2 space-y-1 text-sm">
            {listed.map(({ issue, tone }, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: issues may repeat; their order is stable.
              <li key={index}>
                <button
                  type="button"
                  onClick={() => goTo(issue)}
                  disabled={issue.line === null}
                  className={
                    'rounded px-1 text-left hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 ' +
                    (tone === 'error'
                      ? 'text-red-700 dark:text-red-300'
                      : 'text-amber-700 dark:text-amber-300')
                  }
                >
                  <span className="font-medium">
                    {tone === 'error' ? 'Error' : 'Warning'}
                    {issue.line !== null ? `, line ${issue.line}:${issue.column ?? 1}` : ''}:
                  </span>{' '}
                  {issueText(issue)}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>

      {addsToExisting ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
          A profile named <strong>{parsedName}</strong> exists already: saving adds a new version to it.
          Change <code>name:</code> to create a separate profile.
        </p>
      ) : null}

      {apply.isError ? <ErrorAlert error={apply.error} /> : null}
      {apply.isSuccess && !apply.isPending ? <SaveResult result={apply.data} /> : null}
    </div>
  );
}

function SaveResult({ result }: { result: ApplyProfileResponse }) {
  return (
    <div
      role="status"
      className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 dark:border-emerald-900/60 dark:bg-emerald-950/40 dark:text-emerald-200"
    >
      <p className="font-medium">
        {result.created
          ? `Saved: ${result.name} version ${result.version}.`
          : `Unchanged: the content is the same as ${result.name} version ${result.version}, so no new version was made.`}
      </p>
      {result.warnings.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 text-amber-800 dark:text-amber-300">
          {result.warnings.map((warning) => (
            <li key={`${warning.path}:${warning.message}`}>
              {warning.path}: {warning.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
        <Link
          to="/profiles/$name"
          params={{ name: result.name }}
          search={{ version: result.version }}
          className="font-medium underline underline-offset-2"
        >
          View version {result.version}
        </Link>
        <Link
          to="/launch"
          search={{ profile: `${result.name}@${result.version}` }}
          className="font-medium underline underline-offset-2"
        >
          Launch it
        </Link>
      </p>
    </div>
  );
}
