ALTER TABLE "room_accesses" ADD COLUMN "device_scanned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "room_accesses" ADD COLUMN "conflict" text;--> statement-breakpoint
CREATE INDEX "room_accesses_participant_time_idx" ON "room_accesses" USING btree ("org_id","participant_id",coalesce("device_scanned_at", "scanned_at"));