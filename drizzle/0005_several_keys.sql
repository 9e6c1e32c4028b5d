-- Several keys per provider. Existing rows become each provider's only key: label Default, position 0, their
-- envelopes untouched (the associated data binds user and provider, not the label). The position constraint is
-- DEFERRABLE INITIALLY IMMEDIATE (checked at the end of each statement; drizzle-kit cannot express it) so that
-- one UPDATE can renumber a provider's keys.
CREATE TABLE "UserProviderSetting" (
	"userId" uuid NOT NULL,
	"providerId" uuid NOT NULL,
	"fallback" boolean DEFAULT true NOT NULL,
	"updatedAt" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "UserProviderSetting_userId_providerId_pk" PRIMARY KEY("userId","providerId")
);
--> statement-breakpoint
ALTER TABLE "KeyEvent" DROP CONSTRAINT "KeyEvent_type_known";--> statement-breakpoint
DROP INDEX "UserApiKey_userId_providerId_key";--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "label" text DEFAULT 'Default' NOT NULL;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "expiresAt" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "UserProviderSetting" ADD CONSTRAINT "UserProviderSetting_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "UserProviderSetting" ADD CONSTRAINT "UserProviderSetting_providerId_ModelProvider_id_fk" FOREIGN KEY ("providerId") REFERENCES "public"."ModelProvider"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "UserApiKey_userId_providerId_label_key" ON "UserApiKey" USING btree ("userId","providerId",lower("label"));--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD CONSTRAINT "UserApiKey_userId_providerId_position_key" UNIQUE("userId","providerId","position") DEFERRABLE INITIALLY IMMEDIATE;--> statement-breakpoint
ALTER TABLE "KeyEvent" ADD CONSTRAINT "KeyEvent_type_known" CHECK ("KeyEvent"."type" in ('key_created', 'key_replaced', 'key_deleted', 'key_enabled', 'key_disabled', 'key_tested', 'key_health_changed', 'key_rotated', 'key_renamed', 'key_moved', 'key_expiry_changed', 'fallback_changed', 'signed_in', 'password_changed', 'sessions_revoked'));--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD CONSTRAINT "UserApiKey_position_range" CHECK ("UserApiKey"."position" between 0 and 4);