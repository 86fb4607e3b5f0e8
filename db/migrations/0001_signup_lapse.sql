ALTER TABLE `signups` ADD `renewed_at` integer;--> statement-breakpoint
ALTER TABLE `signups` ADD `lapse_notice_at` integer;--> statement-breakpoint
CREATE INDEX `signups_lapse_idx` ON `signups` (`shop_id`,`lapse_notice_at`) WHERE "signups"."lapse_notice_at" is not null;