import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { LogViewLine } from '../../lib/log-view';

const LEVEL_TONE: Record<string, string> = {
  debug: 'text-slate-400',
  info: 'text-slate-300',
  warn: 'text-amber-300',
  error: 'text-red-300',
};

/**
 * The lines in a tall box that renders only what is in view (thousands of lines stay fast); scrolled to the
 * newest while `follow` is on. With `wrap`, long lines wrap (each row measured); else the box scrolls sideways.
 */
export function LogList({
  lines,
  follow,
  wrap,
  empty,
}: {
  lines: LogViewLine[];
  follow: boolean;
  wrap: boolean;
  empty: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: lines.length,
    getScrollElement: () => box.current,
    estimateSize: () => 20,
    overscan: 20,
    getItemKey: (index) => lines[index]?.id ?? index,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when new lines arrive or the wrap changes
  useEffect(() => {
    if (follow && lines.length) rows.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [lines.length, follow, wrap]);

  return (
    <div
      ref={box}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users need to reach it
      tabIndex={0}
      role="log"
      aria-label="Instance log"
      data-testid="instance-log"
      className="h-[70vh] min-h-64 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-500"
    >
      {empty ? <p className="text-slate-300">No log lines yet: the agent sends them once it runs.</p> : null}
      <div className="relative w-full" style={{ height: rows.getTotalSize() }}>
        {rows.getVirtualItems().map((row) => {
          const l = lines[row.index] as LogViewLine;
          return (
            <div
              key={row.key}
              data-index={row.index}
              ref={rows.measureElement}
              className={`absolute top-0 left-0 ${wrap ? 'w-full whitespace-pre-wrap break-all' : 'min-w-full whitespace-pre'}`}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              <span className="text-slate-400 select-none">{new Date(l.at).toLocaleTimeString()} </span>
              <span className={l.stream === 'webui' ? 'text-sky-300' : 'text-amber-200'}>{l.stream} </span>
              {l.level ? <span className={LEVEL_TONE[l.level]}>{l.level} </span> : null}
              {l.line}
            </div>
          );
        })}
      </div>
    </div>
  );
}
