import type { OutputSummary } from '@podpilot/common';
import { memo } from 'react';
import { formatRelative } from '../../lib/format';
import { baseName } from '../../lib/outputs-search';

/** What a tile's image is described as: the start of its prompt when it has one, else its file name. */
export function describeOutput(output: OutputSummary): string {
  const prompt = output.prompt;
  const name = baseName(output.path);
  return prompt ? `${name}: ${prompt.length > 120 ? `${prompt.slice(0, 120)}…` : prompt}` : name;
}

interface OutputTileProps {
  output: OutputSummary;
  selected: boolean;
  onToggle: (id: string) => void;
  onOpen: (id: string) => void;
}

/** One square of the gallery: the thumbnail (asked for once it nears the screen), a checkbox, a caption. */
export const OutputTile = memo(function OutputTile({ output, selected, onToggle, onOpen }: OutputTileProps) {
  const name = baseName(output.path);
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toUpperCase() : 'FILE';
  return (
    <li
      className={
        'group relative overflow-hidden rounded-lg border bg-white shadow-sm dark:bg-slate-900 ' +
        (selected
          ? 'border-indigo-500 ring-2 ring-indigo-500 dark:border-indigo-400 dark:ring-indigo-400'
          : 'border-slate-200 dark:border-slate-800')
      }
    >
      <div className="relative aspect-square bg-slate-100 dark:bg-slate-800">
        <button
          type="button"
          onClick={() => onOpen(output.id)}
          aria-label={`Open ${name}`}
          data-output={output.id}
          className="absolute inset-0 block size-full focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500"
        >
          <Thumbnail output={output} extension={extension} />
        </button>
        <SelectBox name={name} selected={selected} onToggle={() => onToggle(output.id)} />
      </div>
      <div className="px-2.5 py-2 text-xs">
        <p className="truncate font-medium text-slate-800 dark:text-slate-200" title={output.path}>
          {name}
        </p>
        <p className="truncate text-slate-500 dark:text-slate-400">
          <time dateTime={output.createdAt}>{formatRelative(output.createdAt)}</time> · {output.instanceName}
        </p>
      </div>
    </li>
  );
});

/** The thumbnail (signed in the list answer; the browser loads it lazily), or the file's extension. */
function Thumbnail({ output, extension }: { output: OutputSummary; extension: string }) {
  return output.thumbnailUrl ? (
    <img
      src={output.thumbnailUrl}
      alt={describeOutput(output)}
      loading="lazy"
      decoding="async"
      width={256}
      height={256}
      className="size-full object-cover"
    />
  ) : (
    <span
      aria-hidden="true"
      className="flex size-full items-center justify-center text-xs font-semibold tracking-wide text-slate-400 dark:text-slate-500"
    >
      {extension}
    </span>
  );
}

/** The tile's checkbox: shown on hover or focus on wide screens, always once selected. */
function SelectBox({ name, selected, onToggle }: { name: string; selected: boolean; onToggle: () => void }) {
  return (
    <label
      className={
        'absolute top-2 left-2 flex size-8 cursor-pointer items-center justify-center rounded-md bg-white/90 shadow-sm ' +
        'ring-1 ring-slate-300 backdrop-blur dark:bg-slate-900/90 dark:ring-slate-600 ' +
        (selected ? '' : 'sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100')
      }
    >
      <input
        type="checkbox"
        checked={selected}
        onChange={onToggle}
        className="size-4 cursor-pointer accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
      />
      <span className="sr-only">Select {name}</span>
    </label>
  );
}
