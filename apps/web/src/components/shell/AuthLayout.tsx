import type { ReactNode } from 'react';
import { Brand } from './Brand';

/** A centred card for the pages shown before sign-in (setup, login). */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <Brand className="mb-6 text-xl" />
      <div
        className={
          'w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8 ' +
          'dark:border-slate-800 dark:bg-slate-900'
        }
      >
        <h1 className="mb-6 text-lg font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}
