-- Output uploads go to staging keys (`staging/<instance>/<uuid>`); the hub moves each file to its own key at
-- confirm and verifies its size and sha256 there, so no upload URL reaches an indexed file. Reservations made
-- before this hold the final key as their upload key: forget them. Their agents' confirms are refused and
-- they presign again (same version: nothing was indexed), getting a staging key.
delete from pending_output_uploads where storage_key not like 'staging/%';
