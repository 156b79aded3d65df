CREATE TABLE "signage_external_subscriptions" (
	"external_id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_external_subscriptions_org" UNIQUE("org_id","external_id")
);
--> statement-breakpoint
ALTER TABLE "signage_external_subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_subscriptions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"plan_name" text NOT NULL,
	"plan_price" numeric(10, 2) DEFAULT '0' NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"billing_cycle" text DEFAULT 'monthly' NOT NULL,
	"status" text NOT NULL,
	"trial_ends_at" timestamp with time zone,
	"current_period_start" timestamp with time zone NOT NULL,
	"current_period_end" timestamp with time zone NOT NULL,
	"external_subscription_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_subscriptions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_subscriptions_one_per_org" UNIQUE("org_id"),
	CONSTRAINT "signage_subscriptions_external_per_org" UNIQUE("org_id","external_subscription_id")
);
--> statement-breakpoint
ALTER TABLE "signage_subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_usage_metrics" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"metric_type" text NOT NULL,
	"date" date NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signage_usage_metrics_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "signage_usage_metrics_per_day" UNIQUE("org_id","metric_type","date")
);
--> statement-breakpoint
ALTER TABLE "signage_usage_metrics" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "signage_webhook_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"org_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signage_webhook_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "signage_external_subscriptions" ADD CONSTRAINT "signage_external_subscriptions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_subscriptions" ADD CONSTRAINT "signage_subscriptions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_subscriptions" ADD CONSTRAINT "signage_subscriptions_org_id_external_subscription_id_signage_external_subscriptions_org_id_external_id_fk" FOREIGN KEY ("org_id","external_subscription_id") REFERENCES "public"."signage_external_subscriptions"("org_id","external_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_usage_metrics" ADD CONSTRAINT "signage_usage_metrics_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signage_webhook_events" ADD CONSTRAINT "signage_webhook_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "signage_subscriptions_tenant_isolation" ON "signage_subscriptions" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());--> statement-breakpoint
CREATE POLICY "signage_usage_metrics_tenant_isolation" ON "signage_usage_metrics" AS PERMISSIVE FOR ALL TO "roster_app" USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());