-- The platform's database functions: the one current definition of each. database.migrate() applies
-- this file after the migrations, at every start, in one transaction, before the modules' own
-- functions files; every statement is CREATE OR REPLACE, so applying it again changes nothing. To
-- change a function, edit it here (no migration). A changed argument list or return type is a new
-- function to Postgres: drop the old one first (DROP FUNCTION IF EXISTS with the old arguments).
-- The row-level-security policies of every tenant table call app_current_org(), so it and
-- app_current_user() are also created by the first core migration, before any table needs them.

-- Current tenant and user of the transaction (set by withTenant with set_config(..., true)).
-- NULLIF: after a transaction-local setting ends, the GUC reads '' rather than NULL.
CREATE OR REPLACE FUNCTION app_current_org() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION app_current_user() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;

-- An assignment counts at p_at: active, started (inclusive), not yet ended (exclusive); an open
-- start or end is unbounded. The end is exclusive so back-to-back windows (08:00–12:00, 12:00–18:00)
-- never both count at noon. The one definition of the rule: assignmentInForce writes its calls in
-- every policy, and database functions (the door rules) call it with now(). Simple enough for the
-- planner to inline, so a filter on it still uses the window's indexes.
CREATE OR REPLACE FUNCTION app_in_force(
  p_is_active boolean, p_starts_at timestamptz, p_ends_at timestamptz, p_at timestamptz
)
RETURNS boolean LANGUAGE sql IMMUTABLE AS
  $$ SELECT p_is_active = true
        AND (p_starts_at IS NULL OR p_starts_at <= p_at)
        AND (p_ends_at IS NULL OR p_ends_at > p_at) $$;

-- Logins are global but users are visible to a tenant only through a membership (RLS). These
-- definer functions answer the one cross-tenant question the app needs — "which user id has this
-- exact username / email?" — for uniqueness checks and for adding an existing user to an org.
CREATE OR REPLACE FUNCTION app_user_id_by_username(login text) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id FROM users WHERE lower(username) = lower(login) $$;

CREATE OR REPLACE FUNCTION app_user_id_by_email(login text) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id FROM users WHERE lower(email) = lower(login) $$;

-- The orgs the current user (app.user_id) may switch to: active memberships in active orgs, oldest
-- membership first, as a JSON list of {id, name, slug, domain, isActive, role}. Memberships of
-- other orgs are hidden from the tenant by row-level security; this definer function shows the
-- acting user their own and nobody else's, so `auth/me` is one tenant statement. Empty without a
-- user (an API key, a device).
CREATE OR REPLACE FUNCTION app_my_orgs() RETURNS json
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'slug', o.slug,
         'domain', o.domain, 'isActive', o.is_active, 'role', m.role) ORDER BY m.created_at, o.slug), '[]')
       FROM memberships m JOIN organizations o ON o.id = m.org_id
      WHERE m.user_id = app_current_user() AND m.is_active AND o.is_active $$;
