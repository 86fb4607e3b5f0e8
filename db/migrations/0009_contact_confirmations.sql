CREATE TABLE `contact_confirmations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`contact_id` integer NOT NULL,
	`signup_id` integer,
	`kind` text NOT NULL,
	`value` text,
	`sms_consent` integer DEFAULT false NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_confirmations_token_hash_unique` ON `contact_confirmations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `contact_confirmations_contact_idx` ON `contact_confirmations` (`contact_id`,`kind`,`created_at`);--> statement-breakpoint
-- Following a claim link used to set claimed_at. It is a click (mail scanners
-- follow links too); a hold is claimed by the order that used it.
UPDATE `offers` SET `clicked_at` = `claimed_at` WHERE `clicked_at` IS NULL AND `claimed_at` IS NOT NULL;--> statement-breakpoint
UPDATE `offers` SET `opened_at` = `clicked_at` WHERE `opened_at` IS NULL AND `clicked_at` IS NOT NULL;--> statement-breakpoint
UPDATE `offers` SET `claimed_at` = CASE WHEN `status` = 'purchased' THEN `resolved_at` END;
