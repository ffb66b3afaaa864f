-- Provider facts (docs/lifecycle.md): what the provider last said of a rental, recorded by the reconciler.
-- provider_phase: its status word (Vast.ai actual_status, Runpod status); provider_status_msg: its explanation
--   (Vast.ai status_msg, e.g. an image pull's progress); provider_status_at: when either last changed.
-- public_address: the rental's public IP as the provider reports it.
-- instance_transitions.provider_billed_at: on a `launching` transition, when the provider first reported that
--   rental running, i.e. when it started billing the GPU (cost accounting counts the GPU from there on, before
--   the agent registers).
alter table instances
  add column provider_phase text,
  add column provider_status_msg text,
  add column provider_status_at timestamptz,
  add column public_address text;

alter table instance_transitions add column provider_billed_at timestamptz;
