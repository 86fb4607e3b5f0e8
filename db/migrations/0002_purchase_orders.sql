CREATE TABLE `suppliers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppliers_shop_name_idx` ON `suppliers` (`shop_id`,`name`);--> statement-breakpoint
CREATE TABLE `purchase_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`supplier_id` integer NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`received_quantity` integer DEFAULT 0 NOT NULL,
	`quoted_arrival` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplier_id`) REFERENCES `suppliers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `purchase_orders_variant_idx` ON `purchase_orders` (`shop_id`,`variant_id`,`status`,`quoted_arrival`);--> statement-breakpoint
CREATE INDEX `purchase_orders_supplier_idx` ON `purchase_orders` (`shop_id`,`supplier_id`,`status`);--> statement-breakpoint
CREATE TABLE `po_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shop_id` text NOT NULL,
	`supplier_id` integer NOT NULL,
	`purchase_order_id` integer NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`quoted_arrival` text NOT NULL,
	`received_at` integer NOT NULL,
	`slip_days` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `po_receipts_supplier_idx` ON `po_receipts` (`shop_id`,`supplier_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `po_receipts_shop_idx` ON `po_receipts` (`shop_id`,`received_at`);--> statement-breakpoint
ALTER TABLE `variants` ADD `eta_source` text;--> statement-breakpoint
ALTER TABLE `variants` ADD `eta_basis` text;