-- Deleted outputs wait in the trash for a grace period (restorable), then the housekeeping job removes their
-- files and thumbnails from storage and their rows. deleted_at: when the owner deleted it; null = kept.
alter table outputs add column deleted_at timestamptz;
create index outputs_deleted_at on outputs (deleted_at) where deleted_at is not null;

-- What a list shows of an output's settings: the prompt as typed (A1111, Fooocus, ComfyUI), at most 300
-- characters, read when the hub derives the thumbnail, so a list never ships or parses whole workflows.
alter table outputs add column prompt_summary text;

-- A selection of outputs to download as one zip: the owner asks for it (POST /api/outputs/zip) and gets a link
-- that works for a few minutes without a session (a browser download cannot send headers). Only the ticket's
-- sha256 is kept.
create table output_zips (
  ticket_sha256 text primary key,
  output_ids uuid[] not null,
  expires_at timestamptz not null
);
