import { useInstanceAction } from '../../api/instances';
import { formatDateTime } from '../../lib/format';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';

/** No idle stop for 1–8 hours, whatever the activity; or cancel that. */
export function KeepAwake({ instanceId, until }: { instanceId: string; until: string | null }) {
  const action = useInstanceAction(instanceId);
  const pending =
    action.isPending && action.variables.kind === 'keep-awake' ? action.variables.hours : undefined;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Keep awake</legend>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {until
          ? `Kept awake until ${formatDateTime(until)}.`
          : 'No idle stop for a while, whatever the activity.'}
      </p>
      <div className="flex flex-wrap gap-2">
        {[1, 2, 4, 8].map((hours) => (
          <Button
            key={hours}
            variant="secondary"
            busy={pending === hours}
            busyLabel="Saving…"
            disabled={action.isPending}
            onClick={() => action.mutate({ kind: 'keep-awake', hours })}
          >
            {hours} h
          </Button>
        ))}
        {until ? (
          <Button
            variant="ghost"
            busy={pending === null}
            busyLabel="Cancelling…"
            disabled={action.isPending}
            onClick={() => action.mutate({ kind: 'keep-awake', hours: null })}
          >
            Cancel keep-awake
          </Button>
        ) : null}
      </div>
      {action.isError ? <ErrorAlert error={action.error} /> : null}
    </fieldset>
  );
}
