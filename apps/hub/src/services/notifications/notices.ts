import type {
  NoticeInstance,
  SourceEvent,
  SourceTransition,
} from '../../repositories/notification-sources.repository.js';
import type { OutgoingNotice } from './formats.js';

const about = (i: NoticeInstance) => ({ id: i.id, name: i.name, state: i.state, stopReason: i.stopReason });

const STOP_WORDS: Record<string, string> = {
  owner: 'stopped by the owner',
  idle: 'stopped for being idle',
  budget: 'stopped by the budget',
  deadline: 'stopped by a lifecycle deadline',
  crashed: 'stopped: it crashed',
  preempted: 'stopped: the provider preempted it',
};

/**
 * The notice a state change makes: `ready`; `failed` with the reason itself (the last error event, else
 * the state's reason); a stop as `crashed`, `preempted` or `stopped`, its reason named. The stop reason is
 * the instance's as the job reads it (a few seconds later at most).
 */
export function noticeOfTransition(t: SourceTransition): OutgoingNotice {
  const i = t.instance;
  const base = { instance: about(i), at: t.at.toISOString(), data: { from: t.from, cause: t.cause } };
  if (t.to === 'ready')
    return { ...base, event: 'ready', level: 'info', message: `${i.name} is ready: its WebUI is up` };
  if (t.to === 'failed') {
    const reason = t.lastError ?? i.stateReason ?? t.cause;
    return { ...base, event: 'failed', level: 'error', message: `${i.name} failed: ${reason}` };
  }
  const reason = i.stopReason;
  const event = reason === 'crashed' || reason === 'preempted' ? reason : 'stopped';
  const words = (reason && STOP_WORDS[reason]) ?? 'stopped';
  const why = i.stateReason ? ` (${i.stateReason})` : '';
  return {
    ...base,
    instance: { ...about(i), state: 'stopped' },
    event,
    level: event === 'stopped' && reason !== 'deadline' && reason !== 'budget' ? 'info' : 'warn',
    message: `${i.name} ${words}${why}`,
    data: { ...base.data, stopReason: reason },
  };
}

/** The notice a hub or agent event makes: its kind as the event (`provision.done` → `provisioning.done`). */
export function noticeOfEvent(e: SourceEvent): OutgoingNotice {
  const level = e.level === 'debug' ? 'info' : e.level;
  const instance = e.instance ? about(e.instance) : null;
  const base = { instance, at: e.at.toISOString(), data: e.data ?? {} };
  if (e.kind === 'provision.done') {
    const name = e.instance?.name ?? 'an instance';
    return {
      ...base,
      event: 'provisioning.done',
      level: 'info',
      message: `${name}: provisioning done (${e.message})`,
    };
  }
  const prefix = e.instance ? `${e.instance.name}: ` : '';
  return { ...base, event: e.kind, level, message: `${prefix}${e.message}` };
}
