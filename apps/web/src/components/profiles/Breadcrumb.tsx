import { Link } from '@tanstack/react-router';
import { linkClass } from '../shared/styles';

/** "Profiles / name / here" above a profile page's title. */
export function Breadcrumb({ name, here }: { name?: string; here?: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500 dark:text-slate-400">
      <ol className="flex flex-wrap items-center gap-1.5">
        <li>
          <Link to="/profiles" className={linkClass}>
            Profiles
          </Link>
        </li>
        {name ? (
          <li className="flex items-center gap-1.5">
            <span aria-hidden="true">/</span>
            {here ? (
              <Link to="/profiles/$name" params={{ name }} className={linkClass}>
                {name}
              </Link>
            ) : (
              <span aria-current="page">{name}</span>
            )}
          </li>
        ) : null}
        {here ? (
          <li className="flex items-center gap-1.5">
            <span aria-hidden="true">/</span>
            <span aria-current="page">{here}</span>
          </li>
        ) : null}
      </ol>
    </nav>
  );
}
