-- Two model kinds for models published without their text encoders and VAE (FLUX.1, SD 3.5): the transformer
-- (`diffusion-model`) and CLIP/T5 (`text-encoder`), each in its own folder of the UI.
alter table models drop constraint models_kind_check;
alter table models add constraint models_kind_check check (
  kind in ('checkpoint', 'diffusion-model', 'text-encoder', 'lora', 'vae', 'embedding', 'controlnet', 'upscaler', 'other')
);
