-- The lifecycle service and the reconciler: what the owner last asked for, so a stop or destroy that the
-- provider did not finish yet is retried by the reconciler with the right call.
alter table instances add column desired_state text
  check (desired_state in ('running', 'stopped', 'destroyed'));
-- The launch's offer and image, for messages and for a retry by the reconciler.
alter table instances add column launch_spec jsonb;
create index instances_provider_idx on instances (provider, state);
