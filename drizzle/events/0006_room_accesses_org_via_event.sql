-- A scan reaches its organization through its event ((org_id, event_id) references events, which
-- references organizations, both cascading); the direct reference was the same check made twice on
-- every door scan.
ALTER TABLE "room_accesses" DROP CONSTRAINT "room_accesses_org_id_organizations_id_fk";
