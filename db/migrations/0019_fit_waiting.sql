DROP INDEX `signups_fit_idx`;--> statement-breakpoint
CREATE INDEX `signups_fit_idx` ON `signups` (`shop_id`,`variant_id`,`quantity`,`seq`) WHERE "signups"."status" = 'waiting';