ALTER TABLE "variants" ADD COLUMN "uncounted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Orders recorded before names were kept are known by their id, as their messages said.
ALTER TABLE "orders" ADD COLUMN "name" text;--> statement-breakpoint
UPDATE "orders" SET "name" = "id";--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "name" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "backorders" ADD COLUMN "order_name" text;--> statement-breakpoint
UPDATE "backorders" SET "order_name" = "order_id";--> statement-breakpoint
ALTER TABLE "backorders" ALTER COLUMN "order_name" SET NOT NULL;
