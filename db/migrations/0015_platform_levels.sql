CREATE TABLE `platform_levels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`at` integer NOT NULL,
	`level` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `platform_levels_variant_idx` ON `platform_levels` (`shop_id`,`variant_id`,`at`);--> statement-breakpoint
CREATE TABLE `platform_order_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`order_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`price` integer NOT NULL,
	`placed_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`backordered` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `platform_order_lines_variant_idx` ON `platform_order_lines` (`shop_id`,`variant_id`,`placed_at`);--> statement-breakpoint
DROP INDEX `backorders_queue_idx`;--> statement-breakpoint
CREATE INDEX `backorders_queue_idx` ON `backorders` (`shop_id`,`variant_id`,`status`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `inventory_levels` ADD `reported_at` integer;