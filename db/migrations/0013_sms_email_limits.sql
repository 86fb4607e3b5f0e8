CREATE TABLE `sms_budget` (
	`hour` integer NOT NULL,
	`shop_id` text NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`held` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`hour`, `shop_id`)
);
--> statement-breakpoint
CREATE TABLE `email_caps` (
	`day` integer NOT NULL,
	`address_hash` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `address_hash`)
);
--> statement-breakpoint
-- Shops made before these settings existed get their defaults (SPEC §4): country US, SMS to that country at 200 an hour, 5 confirmation emails per address per day.
UPDATE `shops` SET `settings` = json_set(`settings`, '$.country', 'US') WHERE json_type(`settings`, '$.country') IS NULL;
--> statement-breakpoint
UPDATE `shops` SET `settings` = json_set(`settings`, '$.sms', json('{"allowedCountries":null,"hourlyBudget":200}')) WHERE json_type(`settings`, '$.sms') IS NULL;
--> statement-breakpoint
UPDATE `shops` SET `settings` = json_set(`settings`, '$.emailCapPerDay', 5) WHERE json_type(`settings`, '$.emailCapPerDay') IS NULL;
