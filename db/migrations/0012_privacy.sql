CREATE TABLE `retired_publishable_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`shop_id` text NOT NULL,
	`retired_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `retired_publishable_keys_shop_idx` ON `retired_publishable_keys` (`shop_id`);--> statement-breakpoint
CREATE INDEX `retired_publishable_keys_expires_idx` ON `retired_publishable_keys` (`expires_at`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `webhook_events_received_idx` ON `webhook_events` (`received_at`);