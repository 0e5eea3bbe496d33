ALTER TABLE "offboarding_cases" ADD COLUMN "closed_by" uuid;--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD COLUMN "close_note" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "github_login" text;--> statement-breakpoint
ALTER TABLE "revocation_jobs" ADD COLUMN "provider_user_id" text;