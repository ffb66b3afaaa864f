import { Link, useRouterState } from '@tanstack/react-router';
import { useId } from 'react';
import { useLogout } from '../../api/auth';
import { useMenu } from '../../hooks/useMenu';
import { Button } from '../shared/Button';
import { errorMessage } from '../shared/ErrorAlert';
import { Brand } from './Brand';

/** The pages of the main navigation, in order. */
const NAV = [
  { to: '/', label: 'Dashboard', exact: true },
  { to: '/launch', label: 'Launch', exact: false },
  { to: '/profiles', label: 'Profiles', exact: false },
  { to: '/models', label: 'Models', exact: false },
  { to: '/outputs', label: 'Outputs', exact: false },
  { to: '/costs', label: 'Costs', exact: false },
  { to: '/settings', label: 'Settings', exact: false },
] as const;

const focusRing = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500';
const navLink =
  `rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 ${focusRing} ` +
  'dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white';
const navLinkActive = 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white';
const menuLink =
  `block rounded-md px-3 py-2.5 text-base font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 ${focusRing} ` +
  'dark:text-slate-200 dark:hover:bg-slate-800 dark:hover:text-white';
const menuLinkActive =
  'bg-indigo-50 text-indigo-700 dark:bg-indigo-950/60 dark:text-indigo-300 hover:bg-indigo-50 dark:hover:bg-indigo-950/60';

function NavLinks({ className, activeClassName }: { className: string; activeClassName: string }) {
  return NAV.map((item) => (
    <li key={item.to}>
      <Link
        to={item.to}
        className={className}
        activeProps={{ className: activeClassName }}
        activeOptions={{ exact: item.exact }}
      >
        {item.label}
      </Link>
    </li>
  ));
}

/**
 * The top bar: brand, the main navigation (inline on wide screens, behind a menu button on narrow ones),
 * the signed-in owner and log out. The current page's link carries `aria-current="page"` (set by `Link`).
 */
export function AppHeader({ username }: { username: string }) {
  const logout = useLogout();
  const menuId = useId();
  const pathname = useRouterState({ select: (st) => st.location.pathname });
  // A new page closes the menu.
  const menu = useMenu(pathname);

  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-7xl items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link to="/" className={`shrink-0 rounded-md ${focusRing}`} aria-label="PodPilot, dashboard">
          <Brand className="text-lg" />
        </Link>
        <nav aria-label="Main" className="hidden lg:block">
          <ul className="flex gap-1">
            <NavLinks className={navLink} activeClassName={navLinkActive} />
          </ul>
        </nav>
        <div className="ml-auto flex items-center gap-2 sm:gap-3">
          <span className="hidden max-w-40 truncate text-sm text-slate-500 sm:inline dark:text-slate-400">
            {username}
          </span>
          <Button
            variant="secondary"
            busy={logout.isPending}
            busyLabel="Logging out…"
            onClick={() => logout.mutate()}
          >
            Log out
          </Button>
          <MenuButton menu={menu} menuId={menuId} />
        </div>
      </div>
      <nav
        ref={menu.panel}
        id={menuId}
        aria-label="Main"
        hidden={!menu.open}
        className="border-t border-slate-200 px-4 py-3 sm:px-6 lg:hidden dark:border-slate-800"
      >
        <ul className="mx-auto grid max-w-7xl gap-1 sm:grid-cols-2">
          <NavLinks className={menuLink} activeClassName={menuLinkActive} />
        </ul>
        <p className="mx-auto mt-3 max-w-7xl border-t border-slate-200 px-3 pt-3 text-sm text-slate-500 sm:hidden dark:border-slate-800 dark:text-slate-400">
          Signed in as {username}
        </p>
      </nav>
      {logout.isError ? (
        <p
          role="alert"
          className="mx-auto max-w-7xl px-4 pb-3 text-sm text-red-600 sm:px-6 dark:text-red-400"
        >
          Could not log out: {errorMessage(logout.error)}
        </p>
      ) : null}
    </header>
  );
}

function MenuButton({ menu, menuId }: { menu: ReturnType<typeof useMenu>; menuId: string }) {
  return (
    <button
      ref={menu.button}
      type="button"
      aria-expanded={menu.open}
      aria-controls={menuId}
      onClick={menu.toggle}
      className={
        'inline-flex items-center gap-1.5 rounded-md px-2.5 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 ring-inset ' +
        `hover:bg-slate-100 lg:hidden dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800 ${focusRing}`
      }
    >
      <svg
        viewBox="0 0 20 20"
        className="size-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.75"
        aria-hidden="true"
      >
        {menu.open ? (
          <path d="M5 5l10 10M15 5L5 15" strokeLinecap="round" />
        ) : (
          <path d="M3 5.5h14M3 10h14M3 14.5h14" strokeLinecap="round" />
        )}
      </svg>
      Menu
    </button>
  );
}
