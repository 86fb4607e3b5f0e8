DROP INDEX `messages_dispatch_idx`;--> statement-breakpoint
CREATE INDEX `messages_dispatch_idx` ON `messages` (`status`,`channel`,`send_after`,`id`);--> statement-breakpoint
DROP INDEX `jobs_due_idx`;--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`status`,`run_at`,`id`);