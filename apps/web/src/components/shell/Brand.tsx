/** The PodPilot mark and name. */
export function Brand({ className = '' }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <svg viewBox="0 0 32 32" className="size-7 shrink-0" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-indigo-600 dark:fill-indigo-500" />
        <path d="M10 23V9h7a5 5 0 0 1 0 10h-7" fill="none" stroke="white" strokeWidth="3" />
      </svg>
      <span>PodPilot</span>
    </span>
  );
}
