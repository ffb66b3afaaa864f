/** Class names shared by several pages: links, links that look like buttons, and `<select>`s. */

/** An in-app text link. */
export const linkClass =
  'font-medium text-indigo-600 underline-offset-2 hover:underline focus-visible:rounded focus-visible:outline-2 ' +
  'focus-visible:outline-indigo-500 dark:text-indigo-400';

/** A text link with an offset focus ring (external pages, links inside cards and tables). */
export const externalLink =
  'font-medium text-indigo-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:text-indigo-400';

/** A Link or anchor that looks like a button (primary or secondary). */
export const buttonLink = (variant: 'primary' | 'secondary' = 'secondary') =>
  'inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ' +
  (variant === 'primary'
    ? 'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400'
    : 'bg-white text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50 ' +
      'dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700 dark:hover:bg-slate-700');

/** A plain labelled `<select>` (profile, version, filters). */
export const selectClass =
  'mt-1.5 block w-full rounded-md border-0 bg-white py-2 pr-8 pl-3 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'focus:outline-2 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700';

/** A `<select>` whose ring colour the caller adds (red on error): `SelectField` and the output filters. */
export const selectBaseClass =
  'mt-1.5 block w-full rounded-md border-0 bg-white py-2 pr-8 pl-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ' +
  'focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 dark:bg-slate-900 dark:text-slate-100';
