CREATE TABLE "platform_reservations" (
	"shop_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"inventory_item_id" text NOT NULL,
	"location_id" text,
	"reserved" bigint NOT NULL,
	"moves" bigint NOT NULL,
	"pending_delta" bigint,
	"pending_location_id" text,
	"pending_key" text,
	"pending_at" bigint,
	"error" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "platform_reservations_shop_id_variant_id_pk" PRIMARY KEY("shop_id","variant_id")
);
--> statement-breakpoint
ALTER TABLE "offers" ADD COLUMN "cart_until" bigint;--> statement-breakpoint
ALTER TABLE "platform_reservations" ADD CONSTRAINT "platform_reservations_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE no action ON UPDATE no action;