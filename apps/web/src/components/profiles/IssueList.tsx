import type { ProfileIssue } from '@podpilot/common';
import { issueSummary } from '../../lib/profile-editor';
import { issueText } from '../../lib/profiles';

interface IssueListProps {
  id: string;
  errors: ProfileIssue[];
  warnings: ProfileIssue[];
  /** Why checking as you type cannot run here, or null. */
  unavailable: string | null;
  validating: boolean;
  /** Puts the caret on the issue's line and column. */
  onGoTo: (issue: ProfileIssue) => void;
}

/** Under the editor: the check's summary, then every issue as a button that jumps to its place. */
export function IssueList({ id, errors, warnings, unavailable, validating, onGoTo }: IssueListProps) {
  const listed = [
    ...errors.map((issue) => ({ issue, tone: 'error' as const })),
    ...warnings.map((issue) => ({ issue, tone: 'warning' as const })),
  ];
  return (
    <div id={id}>
      <p
        role="status"
        className={`text-sm ${errors.length ? 'text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-400'}`}
      >
        {unavailable !== null
          ? `Checking as you type is not available here (${unavailable}); the hub checks the profile when you save.`
          : validating
            ? 'Checking…'
            : issueSummary(errors.length, warnings.length)}
        {errors.length && !validating && unavailable === null ? '. Fix the errors to save.' : ''}
      </p>
      {listed.length > 0 ? (
        <ul className="mt-2 space-y-1 text-sm">
          {listed.map(({ issue, tone }, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: issues may repeat; their order is stable.
            <li key={index}>
              <button
                type="button"
                onClick={() => onGoTo(issue)}
                disabled={issue.line === null}
                className={
                  'rounded px-1 text-left hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 ' +
                  (tone === 'error' ? 'text-red-700 dark:text-red-300' : 'text-amber-700 dark:text-amber-300')
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
  );
}
