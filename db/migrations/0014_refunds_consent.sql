ALTER TABLE `contacts` ADD `email_opt_out_reason` text;--> statement-breakpoint
ALTER TABLE `backorders` ADD `refunded_at` integer;--> statement-breakpoint
ALTER TABLE `backorders` ADD `refunded_amount` integer;--> statement-breakpoint
ALTER TABLE `backorders` ADD `tracking` text;--> statement-breakpoint
-- Existing opt-outs get their reason from what is on record: a complaint webhook,
-- else a bounced message, else an unsubscribe. When in doubt the stricter reason wins.
UPDATE `contacts` SET `email_opt_out_reason` = CASE
  WHEN EXISTS (
    SELECT 1 FROM `webhook_events` w JOIN `messages` m ON m.`provider_id` = json_extract(w.`payload`, '$.data.email_id')
    WHERE w.`source` = 'resend' AND w.`topic` = 'email.complained' AND m.`contact_id` = `contacts`.`id`
  ) THEN 'complained'
  WHEN EXISTS (SELECT 1 FROM `messages` m WHERE m.`contact_id` = `contacts`.`id` AND m.`status` = 'bounced') THEN 'bounced'
  ELSE 'unsubscribed'
END
WHERE `email_opt_out_at` IS NOT NULL;
