DROP INDEX `messages_provider_idx`;--> statement-breakpoint
DROP INDEX `messages_batch_idx`;--> statement-breakpoint
DROP INDEX `messages_offer_idx`;--> statement-breakpoint
DROP INDEX `messages_backorder_idx`;--> statement-breakpoint
CREATE INDEX `messages_provider_idx` ON `messages` (`provider_id`) WHERE "messages"."provider_id" is not null;--> statement-breakpoint
CREATE INDEX `messages_batch_idx` ON `messages` (`batch_key`) WHERE "messages"."batch_key" is not null;--> statement-breakpoint
CREATE INDEX `messages_offer_idx` ON `messages` (`offer_id`) WHERE "messages"."offer_id" is not null;--> statement-breakpoint
CREATE INDEX `messages_backorder_idx` ON `messages` (`backorder_id`) WHERE "messages"."backorder_id" is not null;