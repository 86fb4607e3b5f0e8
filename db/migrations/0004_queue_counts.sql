CREATE TABLE `queue_counts` (
	`shop_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`waiting` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`shop_id`, `variant_id`)
);
--> statement-breakpoint
-- The counter follows every way a signup enters or leaves `waiting` (insert, status change, a move between lines, delete).
CREATE TRIGGER `signups_queue_insert` AFTER INSERT ON `signups` WHEN NEW.`status` = 'waiting'
BEGIN
  INSERT INTO `queue_counts` (`shop_id`, `variant_id`, `waiting`) VALUES (NEW.`shop_id`, NEW.`variant_id`, 1)
    ON CONFLICT (`shop_id`, `variant_id`) DO UPDATE SET `waiting` = `waiting` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `signups_queue_delete` AFTER DELETE ON `signups` WHEN OLD.`status` = 'waiting'
BEGIN
  UPDATE `queue_counts` SET `waiting` = `waiting` - 1 WHERE `shop_id` = OLD.`shop_id` AND `variant_id` = OLD.`variant_id`;
END;--> statement-breakpoint
CREATE TRIGGER `signups_queue_leave` AFTER UPDATE OF `status`, `shop_id`, `variant_id` ON `signups`
  WHEN OLD.`status` = 'waiting' AND (NEW.`status` IS NOT 'waiting' OR NEW.`shop_id` IS NOT OLD.`shop_id` OR NEW.`variant_id` IS NOT OLD.`variant_id`)
BEGIN
  UPDATE `queue_counts` SET `waiting` = `waiting` - 1 WHERE `shop_id` = OLD.`shop_id` AND `variant_id` = OLD.`variant_id`;
END;--> statement-breakpoint
CREATE TRIGGER `signups_queue_enter` AFTER UPDATE OF `status`, `shop_id`, `variant_id` ON `signups`
  WHEN NEW.`status` = 'waiting' AND (OLD.`status` IS NOT 'waiting' OR NEW.`shop_id` IS NOT OLD.`shop_id` OR NEW.`variant_id` IS NOT OLD.`variant_id`)
BEGIN
  INSERT INTO `queue_counts` (`shop_id`, `variant_id`, `waiting`) VALUES (NEW.`shop_id`, NEW.`variant_id`, 1)
    ON CONFLICT (`shop_id`, `variant_id`) DO UPDATE SET `waiting` = `waiting` + 1;
END;--> statement-breakpoint
-- Backfill from the lines as they stand.
INSERT INTO `queue_counts` (`shop_id`, `variant_id`, `waiting`)
  SELECT `shop_id`, `variant_id`, count(*) FROM `signups` WHERE `status` = 'waiting' GROUP BY `shop_id`, `variant_id`;
