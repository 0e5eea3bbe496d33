CREATE TYPE "public"."revocation_job_state" AS ENUM('planned', 'approved', 'running', 'revoked', 'verified', 'failed', 'dead', 'needs_decision', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."revocation_plan_state" AS ENUM('planned', 'approved', 'running', 'done', 'cancelled');--> statement-breakpoint
CREATE TABLE "provider_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"credentials_ciphertext" text NOT NULL,
	"base_urls" jsonb NOT NULL,
	"requests_per_second" integer DEFAULT 5 NOT NULL,
	"last_tested_at" timestamp with time zone,
	"last_test_ok" boolean,
	"last_test_message" text,
	"last_discovery_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "provider_connections_org_provider_uq" UNIQUE("org_id","provider")
);
--> statement-breakpoint
CREATE TABLE "revocation_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"user_email" text NOT NULL,
	"client_id" text NOT NULL,
	"state" "revocation_job_state" NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"leased_by" text,
	"last_status" integer,
	"last_request_id" text,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revocation_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"subject_id" uuid,
	"state" "revocation_plan_state" NOT NULL,
	"created_by" uuid,
	"approved_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"approved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "require_second_approver" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "provider_connections" ADD CONSTRAINT "provider_connections_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocation_jobs" ADD CONSTRAINT "revocation_jobs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocation_jobs" ADD CONSTRAINT "revocation_jobs_plan_id_revocation_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."revocation_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocation_jobs" ADD CONSTRAINT "revocation_jobs_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocation_plans" ADD CONSTRAINT "revocation_plans_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocation_plans" ADD CONSTRAINT "revocation_plans_created_by_admin_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."admin_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocation_plans" ADD CONSTRAINT "revocation_plans_approved_by_admin_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."admin_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "revocation_jobs_claim_idx" ON "revocation_jobs" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "revocation_jobs_plan_idx" ON "revocation_jobs" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "revocation_plans_org_idx" ON "revocation_plans" USING btree ("org_id","created_at");