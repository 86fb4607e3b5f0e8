CREATE TABLE `replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`channel` text NOT NULL,
	`provider_id` text NOT NULL,
	`from` text NOT NULL,
	`contact_id` integer,
	`message_id` integer,
	`signup_id` integer,
	`backorder_id` integer,
	`order_id` text,
	`subject` text,
	`text` text NOT NULL,
	`intent` text NOT NULL,
	`intents` text NOT NULL,
	`sentiment` integer NOT NULL,
	`action` text NOT NULL,
	`escalation_id` integer,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `replies_provider_idx` ON `replies` (`channel`,`provider_id`);--> statement-breakpoint
CREATE INDEX `replies_contact_idx` ON `replies` (`shop_id`,`contact_id`,`id`);--> statement-breakpoint
CREATE INDEX `replies_escalation_idx` ON `replies` (`escalation_id`);--> statement-breakpoint
CREATE TABLE `helpdesk_tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`ref` text NOT NULL,
	`helpdesk` text NOT NULL,
	`external_id` text,
	`url` text,
	`status` text DEFAULT 'open' NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `helpdesk_tickets_ref_idx` ON `helpdesk_tickets` (`shop_id`,`ref`,`helpdesk`);--> statement-breakpoint
-- Existing shops: no helpdesk, and replies forwarded to the sender address until a support address is set.
UPDATE `shops` SET `settings` = json_set(`settings`, '$.helpdesk', json('null'), '$.supportEmail', json('null')) WHERE json_type(`settings`, '$.helpdesk') IS NULL;
