DROP INDEX `shops_shopify_domain_idx`;--> statement-breakpoint
-- Hand-written: a domain claimed by several shops stays with the oldest (then lowest id);
-- the others lose their Shopify connection (column and settings alike) and are
-- reconnected by their owner, since a webhook for that domain could only ever reach one.
UPDATE `shops` SET `shopify_domain` = NULL, `settings` = json_set(`settings`, '$.shopify', json('null'))
WHERE `shopify_domain` IS NOT NULL AND EXISTS (
  SELECT 1 FROM `shops` AS `older`
  WHERE `older`.`shopify_domain` = `shops`.`shopify_domain`
    AND (`older`.`created_at` < `shops`.`created_at` OR (`older`.`created_at` = `shops`.`created_at` AND `older`.`id` < `shops`.`id`))
);--> statement-breakpoint
CREATE UNIQUE INDEX `shops_shopify_domain_idx` ON `shops` (`shopify_domain`) WHERE "shops"."shopify_domain" is not null;--> statement-breakpoint
CREATE INDEX `messages_sms_to_idx` ON `messages` (`to`,`sent_at`) WHERE "messages"."channel" = 'sms';
