CREATE TABLE "AccessToken" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"userId" uuid NOT NULL,
	"slot" smallint NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"tokenHash" text NOT NULL,
	"providerIds" uuid[],
	"expiresAt" timestamp with time zone,
	"budgetMicroUsd" bigint,
	"budgetMode" text,
	"spendMonth" date,
	"spendMicroUsd" bigint DEFAULT 0 NOT NULL,
	"reservations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lastUsedAt" timestamp with time zone,
	"createdAt" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "AccessToken_slot_range" CHECK ("AccessToken"."slot" between 0 and 19),
	CONSTRAINT "AccessToken_budget_pair" CHECK (("AccessToken"."budgetMicroUsd" is null) = ("AccessToken"."budgetMode" is null)),
	CONSTRAINT "AccessToken_budget_range" CHECK ("AccessToken"."budgetMicroUsd" is null or "AccessToken"."budgetMicroUsd" between 10000 and 1000000000000)
);
--> statement-breakpoint
CREATE TABLE "ModelUsage" (
	"userId" uuid NOT NULL,
	"apiKeyId" uuid NOT NULL,
	"providerId" uuid NOT NULL,
	"tokenId" uuid,
	"day" date NOT NULL,
	"model" text NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"inputTokens" bigint DEFAULT 0 NOT NULL,
	"outputTokens" bigint DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"costMicroUsd" bigint DEFAULT 0 NOT NULL,
	"unpricedRequests" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ModelUsage_key_day_model_token_key" UNIQUE NULLS NOT DISTINCT("apiKeyId","day","model","tokenId")
);
--> statement-breakpoint
CREATE TABLE "UserPrice" (
	"userId" uuid NOT NULL,
	"providerId" uuid NOT NULL,
	"model" text NOT NULL,
	"inputMicroUsdPerMTok" bigint NOT NULL,
	"outputMicroUsdPerMTok" bigint NOT NULL,
	"updatedAt" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "UserPrice_userId_providerId_model_pk" PRIMARY KEY("userId","providerId","model"),
	CONSTRAINT "UserPrice_range" CHECK ("UserPrice"."inputMicroUsdPerMTok" between 0 and 1000000000 and "UserPrice"."outputMicroUsdPerMTok" between 0 and 1000000000)
);
--> statement-breakpoint
ALTER TABLE "KeyEvent" DROP CONSTRAINT "KeyEvent_type_known";--> statement-breakpoint
ALTER TABLE "KeyUsage" ADD COLUMN "costMicroUsd" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "KeyUsage" ADD COLUMN "unpricedRequests" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD COLUMN "slug" text;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "usageCostMicroUsd" bigint[];--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "budgetMicroUsd" bigint;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "budgetMode" text;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "spendMonth" date;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "spendMicroUsd" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "reservations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD COLUMN "budgetAlerted" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Usage recorded before models and prices were: its tokens are kept, its cost is unknown (unpriced, never 0).
UPDATE "KeyUsage" SET "unpricedRequests" = greatest("requests" - "errors", 0);--> statement-breakpoint
INSERT INTO "ModelUsage" ("userId", "apiKeyId", "providerId", "tokenId", "day", "model", "requests", "inputTokens", "outputTokens", "errors", "costMicroUsd", "unpricedRequests")
  SELECT u."userId", u."apiKeyId", k."providerId", NULL, u."day", '', u."requests", u."inputTokens", u."outputTokens", u."errors", 0, u."unpricedRequests"
  FROM "KeyUsage" u JOIN "UserApiKey" k ON k."id" = u."apiKeyId";--> statement-breakpoint
-- Endpoint slugs (lib/endpoints/slug.ts): the name in lower case, every other character as "-". A slug that is a
-- built-in provider's id or another endpoint's of the same owner is made unique with the start of the row's id.
UPDATE "ModelProvider" AS p SET "slug" = s."slug" FROM (
  SELECT "id", CASE WHEN n = 1 AND base NOT IN ('openai', 'anthropic', 'google', 'mistral', 'groq', 'xai', 'deepseek', 'openrouter') THEN base
    ELSE base || '-' || left(replace("id"::text, '-', ''), 8) END AS "slug"
  FROM (
    SELECT "id", base, row_number() OVER (PARTITION BY "ownerId", base ORDER BY "createdAt", "id") AS n
    FROM (SELECT "id", "ownerId", "createdAt", regexp_replace(lower("name"), '[^a-z0-9]', '-', 'g') AS base FROM "ModelProvider" WHERE "ownerId" IS NOT NULL) AS named
  ) AS numbered
) AS s WHERE p."id" = s."id";--> statement-breakpoint
ALTER TABLE "AccessToken" ADD CONSTRAINT "AccessToken_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ModelUsage" ADD CONSTRAINT "ModelUsage_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "UserPrice" ADD CONSTRAINT "UserPrice_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "UserPrice" ADD CONSTRAINT "UserPrice_providerId_ModelProvider_id_fk" FOREIGN KEY ("providerId") REFERENCES "public"."ModelProvider"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "AccessToken_tokenHash_key" ON "AccessToken" USING btree ("tokenHash");--> statement-breakpoint
CREATE UNIQUE INDEX "AccessToken_userId_slot_key" ON "AccessToken" USING btree ("userId","slot");--> statement-breakpoint
CREATE INDEX "ModelUsage_userId_day_idx" ON "ModelUsage" USING btree ("userId","day");--> statement-breakpoint
CREATE INDEX "ModelUsage_tokenId_day_idx" ON "ModelUsage" USING btree ("tokenId","day") WHERE "ModelUsage"."tokenId" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ModelProvider_ownerId_slug_key" ON "ModelProvider" USING btree ("ownerId","slug");--> statement-breakpoint
ALTER TABLE "KeyEvent" ADD CONSTRAINT "KeyEvent_type_known" CHECK ("KeyEvent"."type" in ('key_created', 'key_replaced', 'key_deleted', 'key_enabled', 'key_disabled', 'key_tested', 'key_health_changed', 'key_rotated', 'key_renamed', 'key_moved', 'key_expiry_changed', 'fallback_changed', 'signed_in', 'password_changed', 'sessions_revoked', 'token_created', 'token_revoked', 'budget_warning', 'budget_reached'));--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD CONSTRAINT "ModelProvider_endpoint_slug" CHECK (("ModelProvider"."ownerId" is null) = ("ModelProvider"."slug" is null));--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD CONSTRAINT "UserApiKey_budget_pair" CHECK (("UserApiKey"."budgetMicroUsd" is null) = ("UserApiKey"."budgetMode" is null));--> statement-breakpoint
ALTER TABLE "UserApiKey" ADD CONSTRAINT "UserApiKey_budget_range" CHECK ("UserApiKey"."budgetMicroUsd" is null or "UserApiKey"."budgetMicroUsd" between 10000 and 1000000000000);