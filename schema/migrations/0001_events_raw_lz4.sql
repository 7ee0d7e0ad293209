-- Raw Okta events are ~2 KB of JSON; lz4 TOAST compression is markedly cheaper to write than pglz
-- (docs/internals.md §1.2). Servers built without lz4 keep the default.
DO $$
BEGIN
  ALTER TABLE "events" ALTER COLUMN "raw" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 compression unavailable; events.raw keeps the default compression';
END $$;
