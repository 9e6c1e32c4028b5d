DROP INDEX "ModelProvider_registryId_key";--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD COLUMN "ownerId" uuid;--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD COLUMN "baseUrl" text;--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD COLUMN "endpointSlot" smallint;--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD CONSTRAINT "ModelProvider_ownerId_User_id_fk" FOREIGN KEY ("ownerId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ModelProvider_ownerId_endpointSlot_key" ON "ModelProvider" USING btree ("ownerId","endpointSlot");--> statement-breakpoint
CREATE UNIQUE INDEX "ModelProvider_registryId_key" ON "ModelProvider" USING btree ("registryId") WHERE "ModelProvider"."ownerId" is null;--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD CONSTRAINT "ModelProvider_endpoint_fields" CHECK (("ModelProvider"."ownerId" is null) = ("ModelProvider"."baseUrl" is null) and ("ModelProvider"."ownerId" is null) = ("ModelProvider"."registryId" <> 'custom'));--> statement-breakpoint
ALTER TABLE "ModelProvider" ADD CONSTRAINT "ModelProvider_endpoint_slot" CHECK (("ModelProvider"."ownerId" is null) = ("ModelProvider"."endpointSlot" is null));