-- The agent's own log lines carry a level (debug, info, warn, error); WebUI lines and the lines of agents older
-- than levels have none. The owner's log view filters on it (a minimum level) and on the time a line was written.
alter table instance_logs add column level text check (level in ('debug', 'info', 'warn', 'error'));
create index instance_logs_instance_at_idx on instance_logs (instance_id, at);
