CREATE TABLE `shops` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`publishable_key` text NOT NULL,
	`secret_key_hash` text NOT NULL,
	`shopify_domain` text,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shops_publishable_key_unique` ON `shops` (`publishable_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `shops_secret_key_hash_unique` ON `shops` (`secret_key_hash`);--> statement-breakpoint
CREATE INDEX `shops_shopify_domain_idx` ON `shops` (`shopify_domain`);--> statement-breakpoint
CREATE TABLE `variants` (
	`shop_id` text NOT NULL,
	`id` text NOT NULL,
	`product_id` text,
	`product_title` text DEFAULT '' NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`url` text,
	`image_url` text,
	`price` integer,
	`currency` text,
	`mode` text DEFAULT 'waitlist' NOT NULL,
	`inventory` integer DEFAULT 0 NOT NULL,
	`eta_earliest` text,
	`eta_latest` text,
	`preorder_limit` integer,
	`inventory_item_id` text,
	`product_type` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `id`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `variants_inventory_item_idx` ON `variants` (`shop_id`,`inventory_item_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`email` text,
	`phone` text,
	`sms_consent_at` integer,
	`email_opt_out_at` integer,
	`sms_opt_out_at` integer,
	`sms_introduced_at` integer,
	`locale` text DEFAULT 'en' NOT NULL,
	`orders_count` integer DEFAULT 0 NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_token_unique` ON `contacts` (`token`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_shop_email_idx` ON `contacts` (`shop_id`,`email`) WHERE "contacts"."email" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_shop_phone_idx` ON `contacts` (`shop_id`,`phone`) WHERE "contacts"."phone" is not null;--> statement-breakpoint
CREATE TABLE `signups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`contact_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text DEFAULT 'waitlist' NOT NULL,
	`quantity` integer DEFAULT 1 NOT NULL,
	`status` text NOT NULL,
	`token` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signups_token_unique` ON `signups` (`token`);--> statement-breakpoint
CREATE INDEX `signups_queue_idx` ON `signups` (`shop_id`,`variant_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `signups_fit_idx` ON `signups` (`shop_id`,`variant_id`,`status`,`quantity`,`seq`);--> statement-breakpoint
CREATE INDEX `signups_shop_created_idx` ON `signups` (`shop_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `signups_seq_idx` ON `signups` (`seq`);--> statement-breakpoint
CREATE INDEX `signups_shop_seq_idx` ON `signups` (`shop_id`,`seq`);--> statement-breakpoint
CREATE INDEX `signups_contact_idx` ON `signups` (`contact_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `signups_one_active_idx` ON `signups` (`shop_id`,`variant_id`,`contact_id`) WHERE "signups"."status" in ('pending', 'waiting', 'offered');--> statement-breakpoint
CREATE TABLE `offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`signup_id` integer NOT NULL,
	`restock_id` integer,
	`units` integer NOT NULL,
	`position` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`token` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_at` integer,
	`resolved_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offers_token_unique` ON `offers` (`token`);--> statement-breakpoint
CREATE INDEX `offers_variant_status_idx` ON `offers` (`shop_id`,`variant_id`,`status`);--> statement-breakpoint
CREATE INDEX `offers_signup_idx` ON `offers` (`signup_id`);--> statement-breakpoint
CREATE INDEX `offers_shop_created_idx` ON `offers` (`shop_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`contact_id` integer,
	`signup_id` integer,
	`offer_id` integer,
	`backorder_id` integer,
	`public_id` text NOT NULL,
	`template` text NOT NULL,
	`channel` text NOT NULL,
	`to` text NOT NULL,
	`from` text,
	`props` text NOT NULL,
	`track` integer DEFAULT false NOT NULL,
	`intro` integer DEFAULT false NOT NULL,
	`rendered_at` integer,
	`subject` text,
	`text` text,
	`html` text,
	`headers` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`idempotency_key` text NOT NULL,
	`transport` text,
	`provider_id` text,
	`batch_key` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`send_after` integer NOT NULL,
	`lease_until` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`opened_at` integer,
	`clicked_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_public_id_unique` ON `messages` (`public_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_idempotency_key_unique` ON `messages` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `messages_dispatch_idx` ON `messages` (`status`,`channel`,`send_after`);--> statement-breakpoint
CREATE INDEX `messages_shop_idx` ON `messages` (`shop_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_provider_idx` ON `messages` (`provider_id`);--> statement-breakpoint
CREATE INDEX `messages_batch_idx` ON `messages` (`batch_key`);--> statement-breakpoint
CREATE INDEX `messages_offer_idx` ON `messages` (`offer_id`);--> statement-breakpoint
CREATE INDEX `messages_backorder_idx` ON `messages` (`backorder_id`);--> statement-breakpoint
CREATE INDEX `messages_signup_idx` ON `messages` (`signup_id`);--> statement-breakpoint
CREATE INDEX `messages_contact_idx` ON `messages` (`contact_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`key` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`run_at` integer NOT NULL,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 8 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_key_unique` ON `jobs` (`key`);--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE TABLE `restocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`from_inventory` integer NOT NULL,
	`to_inventory` integer NOT NULL,
	`units` integer NOT NULL,
	`backorder_units` integer NOT NULL,
	`backorders_served` integer DEFAULT 0 NOT NULL,
	`offered` integer DEFAULT 0 NOT NULL,
	`units_held` integer DEFAULT 0 NOT NULL,
	`still_waiting` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `restocks_variant_idx` ON `restocks` (`shop_id`,`variant_id`,`id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`shop_id` text NOT NULL,
	`id` text NOT NULL,
	`contact_id` integer,
	`currency` text NOT NULL,
	`total` integer NOT NULL,
	`lines` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `id`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `conversions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`signup_id` integer NOT NULL,
	`offer_id` integer,
	`order_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`attribution` text NOT NULL,
	`revenue` integer NOT NULL,
	`currency` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_signup_idx` ON `conversions` (`signup_id`);--> statement-breakpoint
CREATE INDEX `conversions_shop_created_idx` ON `conversions` (`shop_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `backorders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`order_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`contact_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`served` integer DEFAULT 0 NOT NULL,
	`price` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`token` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `backorders_token_unique` ON `backorders` (`token`);--> statement-breakpoint
CREATE INDEX `backorders_queue_idx` ON `backorders` (`shop_id`,`variant_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `backorders_order_idx` ON `backorders` (`shop_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `escalations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`order_id` text,
	`contact_id` integer,
	`summary` text NOT NULL,
	`recommended_action` text NOT NULL,
	`key` text NOT NULL,
	`resolution` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalations_key_unique` ON `escalations` (`key`);--> statement-breakpoint
CREATE INDEX `escalations_shop_idx` ON `escalations` (`shop_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `escalations_order_idx` ON `escalations` (`shop_id`,`order_id`,`status`);--> statement-breakpoint
CREATE TABLE `eta_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`from_earliest` text,
	`from_latest` text,
	`to_earliest` text NOT NULL,
	`to_latest` text NOT NULL,
	`reason` text,
	`notified` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `eta_changes_variant_idx` ON `eta_changes` (`shop_id`,`variant_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`delivery_id` text NOT NULL,
	`event_id` text,
	`shop_id` text,
	`topic` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_delivery_idx` ON `webhook_events` (`source`,`delivery_id`);--> statement-breakpoint
CREATE TABLE `inventory_levels` (
	`shop_id` text NOT NULL,
	`inventory_item_id` text NOT NULL,
	`location_id` text NOT NULL,
	`available` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `inventory_item_id`, `location_id`)
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`message_id` text NOT NULL,
	`event` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_message_id_unique` ON `webhook_deliveries` (`message_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`shop_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `queue_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`signup_id` integer NOT NULL,
	`variant_id` text NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `queue_actions_variant_idx` ON `queue_actions` (`shop_id`,`variant_id`,`id`);