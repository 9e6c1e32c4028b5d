CREATE TABLE "RateLimit" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expiresAt" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "RateLimit_expiresAt_idx" ON "RateLimit" USING btree ("expiresAt");