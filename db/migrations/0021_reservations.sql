CREATE TABLE `platform_reservations` (
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`inventory_item_id` text NOT NULL,
	`location_id` text,
	`reserved` integer NOT NULL,
	`moves` integer NOT NULL,
	`pending_delta` integer,
	`pending_location_id` text,
	`pending_key` text,
	`pending_at` integer,
	`error` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `variant_id`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `offers` ADD `cart_until` integer;