/** Read-only YAML with line numbers; scrolls sideways inside itself on narrow screens. */
export function YamlView({ yaml, label }: { yaml: string; label: string }) {
  const lines = yaml.replace(/\n$/, '').split('\n');
  return (
    <figure className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-950">
      <figcaption className="sr-only">{label}</figcaption>
      {/* Browsers make a scrolling box keyboard-focusable themselves. */}
      <div className="max-h-[70vh] overflow-auto focus-visible:outline-2 focus-visible:outline-indigo-500">
        <pre className="flex w-max min-w-full font-mono text-[13px] leading-6">
          <code
            aria-hidden="true"
            className="sticky left-0 border-r border-slate-200 bg-slate-50 py-2 pr-2 pl-3 text-right text-slate-400 select-none dark:border-slate-800 dark:bg-slate-900 dark:text-slate-500"
          >
            {lines.map((_, index) => `${index + 1}\n`).join('')}
          </code>
          <code className="flex-1 px-3 py-2 text-slate-800 dark:text-slate-200">{lines.join('\n')}</code>
        </pre>
      </div>
    </figure>
  );
}
