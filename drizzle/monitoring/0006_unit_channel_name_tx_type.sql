ALTER TABLE "wireless_units" ADD COLUMN "channel_name" text;--> statement-breakpoint
ALTER TABLE "wireless_units" ADD COLUMN "tx_type" text;