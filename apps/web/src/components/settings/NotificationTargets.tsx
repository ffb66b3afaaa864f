import { NotificationEvent, type NotificationFormat, type NotificationTarget } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../shared/Button';
import { Card, Code } from '../shared/Card';
import { ErrorAlert } from '../shared/ErrorAlert';
import { QueryState } from '../shared/QueryState';
import { RelativeTime } from '../shared/RelativeTime';
import { SelectField } from '../shared/SelectField';
import { TextField } from '../shared/TextField';
import {
  notificationTargetsQuery,
  useAddNotificationTarget,
  useDeleteNotificationTarget,
  useTestNotificationTarget,
} from './notification-targets-queries';

const EVENT_LABELS: Record<NotificationEvent, string> = {
  ready: 'Ready',
  failed: 'Failed (with the reason)',
  crashed: 'Crashed',
  'provisioning.done': 'Provisioning done',
  'idle.warning': 'Idle warning',
  stopped: 'Stopped (any reason)',
  budget: 'Budget warning / exceeded',
  deadline: 'Lifecycle deadlines',
  preempted: 'Preempted',
};

const FORMATS: { value: NotificationFormat; label: string }[] = [
  { value: 'generic', label: 'Generic JSON' },
  { value: 'slack', label: 'Slack incoming webhook' },
  { value: 'discord', label: 'Discord webhook' },
];

/**
 * Settings → Notifications: the webhook targets (URLs shown masked: they are secrets), each with its last
 * delivery and last error, "Send test" with the result, delete; and a form to add one with its events.
 */
export function NotificationTargets() {
  const query = useQuery({ ...notificationTargetsQuery, refetchInterval: 15_000 });
  return (
    <Card className="space-y-5">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Webhooks the hub tells when an instance is ready, fails, crashes or stops, when it is about to be
        stopped for idling, and when the budget runs out. Failed deliveries are retried with backoff. From a
        terminal: <Code>podpilot notify</Code>.
      </p>
      <QueryState query={query} what="notification targets">
        {(targets) =>
          targets.length ? (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800">
              {targets.map((t) => (
                <TargetRow key={t.id} target={t} />
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">No notification targets yet.</p>
          )
        }
      </QueryState>
      <AddTargetForm />
    </Card>
  );
}

function LastDelivery({ target }: { target: NotificationTarget }) {
  return (
    <div className="space-y-1 text-sm">
      <p className="text-slate-600 dark:text-slate-400">
        Last delivery:{' '}
        {target.lastDeliveryAt ? (
          <>
            <span
              className={
                target.lastStatus === 'ok'
                  ? 'font-medium text-emerald-700 dark:text-emerald-400'
                  : 'font-medium text-red-700 dark:text-red-400'
              }
            >
              {target.lastStatus === 'ok' ? 'delivered' : 'failed'}
            </span>{' '}
            <RelativeTime iso={target.lastDeliveryAt} />
          </>
        ) : (
          'never'
        )}
      </p>
      {target.lastError && target.lastErrorAt ? (
        <p className="text-red-700 dark:text-red-400">
          Last error (<RelativeTime iso={target.lastErrorAt} />
          ): {target.lastError}
        </p>
      ) : null}
    </div>
  );
}

function TargetRow({ target }: { target: NotificationTarget }) {
  const test = useTestNotificationTarget();
  const remove = useDeleteNotificationTarget();
  const [confirming, setConfirming] = useState(false);
  const events =
    target.events.length === NotificationEvent.options.length
      ? 'all events'
      : target.events.map((e) => EVENT_LABELS[e]).join(', ');
  const result = test.data?.delivery;
  return (
    <li className="space-y-2 py-4 first:pt-0">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-medium">{target.name}</h3>
          <p className="font-mono text-xs break-all text-slate-500 dark:text-slate-400">
            {target.format} · {target.urlHint}
          </p>
          <p className="text-xs text-slate-500 dark:text-slate-400">{events}</p>
        </div>
        <div className="flex gap-2">
          <Button
            variant="secondary"
            busy={test.isPending}
            busyLabel="Sending…"
            onClick={() => test.mutate(target.id)}
            aria-label={`Send a test notice to ${target.name}`}
          >
            Send test
          </Button>
          {target.fromEnvironment ? null : confirming ? (
            <>
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(target.id)}>
                Confirm delete
              </Button>
              <Button variant="ghost" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button variant="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${target.name}`}>
              Delete
            </Button>
          )}
        </div>
      </div>
      <LastDelivery target={target} />
      <p aria-live="polite" className="text-sm">
        {result
          ? result.ok
            ? `Test delivered (HTTP ${result.status}).`
            : `Test not delivered: ${result.error ?? 'unknown error'}`
          : ''}
      </p>
      {target.fromEnvironment ? (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Set by <Code>PODPILOT_WEBHOOK_URL</Code>; change it in the hub's environment.
        </p>
      ) : null}
      <ErrorAlert error={test.error ?? remove.error} />
    </li>
  );
}

function AddTargetForm() {
  const add = useAddNotificationTarget();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<NotificationFormat>('generic');
  const [events, setEvents] = useState<NotificationEvent[]>([...NotificationEvent.options]);
  const [problem, setProblem] = useState<{ name?: string; url?: string; events?: string }>({});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = {
      ...(name.trim() ? {} : { name: 'Give the target a name' }),
      ...(/^https?:\/\/\S+$/i.test(url.trim()) ? {} : { url: 'Paste the webhook URL (https://…)' }),
      ...(events.length ? {} : { events: 'Choose at least one event' }),
    };
    setProblem(found);
    if (Object.keys(found).length) return;
    add.mutate(
      { name: name.trim(), url: url.trim(), format, events },
      {
        onSuccess: () => {
          setName('');
          setUrl('');
        },
      },
    );
  }

  const toggle = (e: NotificationEvent) =>
    setEvents((now) => (now.includes(e) ? now.filter((x) => x !== e) : [...now, e]));
  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-3 border-t border-slate-200 pt-4 dark:border-slate-800"
    >
      <h3 className="font-medium">Add a target</h3>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={problem.name} />
        <SelectField
          label="Format"
          value={format}
          options={FORMATS}
          onChange={(e) => setFormat(e.target.value as NotificationFormat)}
        />
      </div>
      <TextField
        label="Webhook URL"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        error={problem.url}
        hint="Stored encrypted; only its host is shown afterwards."
      />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Events</legend>
        <div className="mt-1.5 grid gap-1 sm:grid-cols-3">
          {NotificationEvent.options.map((e) => (
            <label key={e} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={events.includes(e)} onChange={() => toggle(e)} />
              {EVENT_LABELS[e]}
            </label>
          ))}
        </div>
        {problem.events ? (
          <p className="mt-1.5 text-sm text-red-600 dark:text-red-400">{problem.events}</p>
        ) : null}
      </fieldset>
      <Button type="submit" busy={add.isPending} busyLabel="Adding…">
        Add target
      </Button>
      <ErrorAlert error={add.error} />
    </form>
  );
}
