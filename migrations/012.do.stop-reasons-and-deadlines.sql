-- Stop reasons and lifecycle deadlines (docs/lifecycle.md).
-- stop_reason: who or what stopped the instance (owner, idle, budget, deadline, crashed, preempted); set on the
--   way to `stopped`, cleared when it runs again.
-- ready_at: when it first became ready. An instance that has been ready is never destroyed by the hub on its
--   own (crash, vanished agent, deadline): it is stopped with its disk.
-- provider_running_at: when the provider first reported the current rental running (cleared by a stop): the
--   "never registered" deadline counts from here, not from the launch (image pulls take their time).
alter table instances
  add column stop_reason text check (stop_reason in ('owner', 'idle', 'budget', 'deadline', 'crashed', 'preempted')),
  add column ready_at timestamptz,
  add column provider_running_at timestamptz;

update instances i set ready_at = t.first_ready
  from (select instance_id, min(at) as first_ready from instance_transitions
         where to_state in ('ready', 'idle') group by instance_id) t
 where t.instance_id = i.id;
