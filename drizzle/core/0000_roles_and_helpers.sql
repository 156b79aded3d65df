-- History: what this migration applied. The current definition of each function it creates is in
-- src/core/db/functions.sql, which migrate() applies after the migrations.
-- Roster platform prerequisites. Hand-written (drizzle-kit --custom) because roles are
-- cluster-wide: several databases on one server (tests, staging) must all be able to run this.
DO $$
BEGIN
  CREATE ROLE roster_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;--> statement-breakpoint
-- The migrating (owner) role must be able to SET ROLE roster_app when it is not a superuser.
DO $$
BEGIN
  EXECUTE format('GRANT roster_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN
  NULL;
END
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO roster_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO roster_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO roster_app;--> statement-breakpoint
-- Current tenant and user of the transaction (set by withTenant with set_config(..., true)).
-- NULLIF: after a transaction-local setting ends, the GUC reads '' rather than NULL.
CREATE OR REPLACE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_current_user() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;
