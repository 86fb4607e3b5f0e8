-- Orders recorded before names were kept are known by their id, as their messages said.
ALTER TABLE `variants` ADD `uncounted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `name` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `orders` SET `name` = `id`;--> statement-breakpoint
ALTER TABLE `backorders` ADD `order_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `backorders` SET `order_name` = `order_id`;
