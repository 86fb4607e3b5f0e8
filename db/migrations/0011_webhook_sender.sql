CREATE TABLE `webhook_endpoints` (
	`shop_id` text NOT NULL,
	`channel` text NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`failing_since` integer,
	`disabled_at` integer,
	PRIMARY KEY(`shop_id`, `channel`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `channel` text DEFAULT 'webhooks' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `lease_until` integer;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_next_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
-- Escalation webhooks waiting as jobs become deliveries on the out-of-loop sender.
INSERT OR IGNORE INTO `webhook_deliveries` (`shop_id`, `message_id`, `channel`, `event`, `payload`, `status`, `attempts`, `next_attempt_at`, `created_at`)
SELECT e.`shop_id`, 'msg_esc_' || e.`id`, 'escalation', 'escalation.created', json_object('type', 'escalation.created', 'escalationId', e.`id`), 'pending', 0, j.`run_at`, j.`created_at`
FROM `jobs` j JOIN `escalations` e ON e.`id` = json_extract(j.`payload`, '$.escalationId')
WHERE j.`kind` = 'escalation.webhook' AND j.`status` IN ('pending', 'running');--> statement-breakpoint
-- The sender drains due deliveries by itself: the old per-shop delivery jobs have nothing left to do.
UPDATE `jobs` SET `status` = 'done', `lease_until` = NULL WHERE `kind` IN ('escalation.webhook', 'webhooks.deliver') AND `status` IN ('pending', 'running');
