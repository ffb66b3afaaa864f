import { formatDateTime, formatRelative } from '../../lib/format';

/** A relative time ("5 minutes ago") with the exact date on hover and for machines. */
export function RelativeTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}
