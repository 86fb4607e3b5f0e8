DROP INDEX `signups_shop_created_idx`;--> statement-breakpoint
CREATE INDEX `signups_shop_created_idx` ON `signups` (`shop_id`,`created_at`,`variant_id`);--> statement-breakpoint
DROP INDEX `offers_shop_created_idx`;--> statement-breakpoint
ALTER TABLE `offers` ADD `opened_at` integer;--> statement-breakpoint
ALTER TABLE `offers` ADD `clicked_at` integer;--> statement-breakpoint
-- Backfill: each offer takes the first open and first click of its messages, before the index is built.
UPDATE `offers` SET
  `opened_at` = (SELECT min(`m`.`opened_at`) FROM `messages` `m` WHERE `m`.`offer_id` = `offers`.`id`),
  `clicked_at` = (SELECT min(`m`.`clicked_at`) FROM `messages` `m` WHERE `m`.`offer_id` = `offers`.`id`)
WHERE `id` IN (SELECT `offer_id` FROM `messages` WHERE `offer_id` IS NOT NULL AND (`opened_at` IS NOT NULL OR `clicked_at` IS NOT NULL));--> statement-breakpoint
CREATE INDEX `offers_shop_created_idx` ON `offers` (`shop_id`,`created_at`,`variant_id`,`status`,`claimed_at`,`opened_at`,`clicked_at`);