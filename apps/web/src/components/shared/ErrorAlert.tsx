import { errorMessage as thrownMessage } from '@podpilot/common';
import type { ReactNode } from 'react';
import { ApiRequestError } from '../../api/client';

/** The words to show for a failed call: the hub's message, or our own for a few codes. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.code === 'rate_limited' && error.retryAfterSeconds !== null) {
      return `Too many attempts, try again in ${error.retryAfterSeconds} s`;
    }
    return error.message;
  }
  return thrownMessage(error);
}

interface ErrorAlertProps {
  error: unknown;
  /** Extra guidance under the message, e.g. what to do next. */
  children?: ReactNode;
  className?: string;
}

/** Every failed request ends up here: the message, then each issue as `path: message`. */
export function ErrorAlert({ error, children, className = '' }: ErrorAlertProps) {
  if (error === null || error === undefined) return null;
  const issues = error instanceof ApiRequestError ? error.issues : [];
  const lines = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  // The hub often spells the issues out in the message too: say them once, as a list.
  const message = errorMessage(error);
  const repeatsIssues = lines.length > 0 && lines.every((line) => message.includes(line));
  return (
    <div
      role="alert"
      className={
        'rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 ' +
        `dark:border-red-900/60 dark:bg-red-950/50 dark:text-red-200 ${className}`
      }
    >
      <p className="font-medium">{repeatsIssues ? 'The request was not accepted:' : message}</p>
      {lines.length > 0 ? (
        <ul className="mt-1 list-disc space-y-0.5 pl-5">
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      {children ? <div className="mt-2">{children}</div> : null}
    </div>
  );
}
