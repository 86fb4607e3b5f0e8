CREATE TABLE `write_backs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`order_id` text NOT NULL,
	`backorder_id` integer,
	`requested_by` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`status` text NOT NULL,
	`amount` integer,
	`currency` text,
	`platform_id` text,
	`error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `write_backs_idempotency_key_unique` ON `write_backs` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `write_backs_shop_idx` ON `write_backs` (`shop_id`,`id`);--> statement-breakpoint
CREATE INDEX `write_backs_backorder_idx` ON `write_backs` (`backorder_id`);