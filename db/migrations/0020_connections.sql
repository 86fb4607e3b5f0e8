CREATE TABLE `connection_webhooks` (
	`connection_id` integer NOT NULL,
	`topic` text NOT NULL,
	`subscription_id` text NOT NULL,
	`registered_at` integer NOT NULL,
	`last_arrived_at` integer,
	PRIMARY KEY(`connection_id`, `topic`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`platform` text NOT NULL,
	`account` text NOT NULL,
	`method` text NOT NULL,
	`credentials` text NOT NULL,
	`scopes` text NOT NULL,
	`token_expires_at` integer,
	`origins` text NOT NULL,
	`sync_status` text NOT NULL,
	`sync_cursor` text,
	`products_imported` integer NOT NULL,
	`variants_imported` integer NOT NULL,
	`variants_total` integer,
	`sync_started_at` integer,
	`sync_finished_at` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_shop_platform_idx` ON `connections` (`shop_id`,`platform`);--> statement-breakpoint
CREATE UNIQUE INDEX `connections_account_idx` ON `connections` (`platform`,`account`);--> statement-breakpoint
CREATE TABLE `widget_sightings` (
	`shop_id` text NOT NULL,
	`origin` text NOT NULL,
	`allowed` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `origin`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
