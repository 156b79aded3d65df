-- History: what this migration applied. The current definition of each function it creates is in
-- src/core/db/functions.sql, which migrate() applies after the migrations.
-- Logins are global but users are visible to a tenant only through a membership (RLS). These
-- definer functions answer the one cross-tenant question the app needs — "which user id has this
-- exact username / email?" — for uniqueness checks and for adding an existing user to an org.
CREATE OR REPLACE FUNCTION app_user_id_by_username(login text) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id FROM users WHERE lower(username) = lower(login) $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_user_id_by_email(login text) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id FROM users WHERE lower(email) = lower(login) $$;--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS users_username_lower_idx ON users (lower(username));--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower_idx ON users (lower(email));
