ALTER POLICY "audit_log_tenant_isolation" ON "audit_log" TO roster_app USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));--> statement-breakpoint
ALTER POLICY "memberships_tenant_isolation" ON "memberships" TO roster_app USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));--> statement-breakpoint
ALTER POLICY "organizations_current_only" ON "organizations" TO roster_app USING (id = (select app_current_org()));--> statement-breakpoint
ALTER POLICY "organizations_update_current" ON "organizations" TO roster_app USING (id = (select app_current_org()));--> statement-breakpoint
ALTER POLICY "users_visible_through_membership" ON "users" TO roster_app USING ((id = (select app_current_user()) or exists (
      select 1 from memberships m where m.user_id = users.id and m.org_id = (select app_current_org()))));--> statement-breakpoint
ALTER POLICY "users_update_through_membership" ON "users" TO roster_app USING ((id = (select app_current_user()) or exists (
      select 1 from memberships m where m.user_id = users.id and m.org_id = (select app_current_org()))));--> statement-breakpoint
ALTER POLICY "api_keys_tenant_isolation" ON "api_keys" TO roster_app USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));--> statement-breakpoint
ALTER POLICY "invitations_tenant_isolation" ON "invitations" TO roster_app USING (org_id = (select app_current_org())) WITH CHECK (org_id = (select app_current_org()));