-- Profiles are deleted softly: their versions stay for the instances that ran them, and the name becomes free.
alter table profiles add column deleted_at timestamptz;
alter table profiles drop constraint profiles_name_key;
create unique index profiles_live_name_idx on profiles (name) where deleted_at is null;

-- A model being pushed: the multipart upload that is under way, so an interrupted push can resume.
alter table models add column upload_id text;
alter table models add column part_size bigint check (part_size > 0);
alter table models add column updated_at timestamptz not null default now();

-- "Which profile versions use model X" without scanning every spec.
create index profile_versions_models_idx on profile_versions using gin ((spec -> 'models') jsonb_path_ops);
