CREATE TABLE "KeyEvent" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "KeyEvent_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"userId" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"providerId" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "KeyEvent_type_known" CHECK ("KeyEvent"."type" in ('key_created', 'key_replaced', 'key_deleted', 'key_enabled', 'key_disabled', 'key_tested', 'key_health_changed', 'key_rotated', 'signed_in', 'password_changed', 'sessions_revoked'))
);
--> statement-breakpoint
CREATE TABLE "KeyUsage" (
	"apiKeyId" uuid NOT NULL,
	"userId" uuid NOT NULL,
	"day" date NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"inputTokens" bigint DEFAULT 0 NOT NULL,
	"outputTokens" bigint DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "KeyUsage_apiKeyId_day_pk" PRIMARY KEY("apiKeyId","day")
);
--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "health" text DEFAULT 'unchecked' NOT NULL;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "healthCheckedAt" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "healthMessage" text;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "recheckLeaseUntil" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "usageThrough" date;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "usageRequests" bigint[];--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "usageInputTokens" bigint[];--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "usageOutputTokens" bigint[];--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "usageErrors" bigint[];--> statement-breakpoint
ALTER TABLE "KeyEvent" ADD CONSTRAINT "KeyEvent_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "KeyUsage" ADD CONSTRAINT "KeyUsage_apiKeyId_UserApiKey_id_fk" FOREIGN KEY ("apiKeyId") REFERENCES "public"."UserApiKey"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "KeyEvent_userId_id_idx" ON "KeyEvent" USING btree ("userId","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "KeyUsage_userId_day_idx" ON "KeyUsage" USING btree ("userId","day");--> statement-breakpoint
CREATE INDEX "UserApiKey_recheck_idx" ON "UserApiKey" USING btree ("healthCheckedAt" NULLS FIRST) WHERE "UserApiKey"."isEnabled";--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD CONSTRAINT "UserApiKey_health_known" CHECK ("UserApiKey"."health" in ('ok', 'rejected', 'limited', 'unreachable', 'unchecked'));