-- Suppliers whose names differ only in case become one: the oldest keeps its
-- name, and takes over the others' purchase orders and delivery record.
UPDATE `purchase_orders` SET `supplier_id` = (
  SELECT min(k.`id`) FROM `suppliers` k JOIN `suppliers` s ON s.`id` = `purchase_orders`.`supplier_id`
  WHERE k.`shop_id` = s.`shop_id` AND k.`name` = s.`name` COLLATE NOCASE
);--> statement-breakpoint
UPDATE `po_receipts` SET `supplier_id` = (
  SELECT min(k.`id`) FROM `suppliers` k JOIN `suppliers` s ON s.`id` = `po_receipts`.`supplier_id`
  WHERE k.`shop_id` = s.`shop_id` AND k.`name` = s.`name` COLLATE NOCASE
);--> statement-breakpoint
DELETE FROM `suppliers` WHERE `id` <> (
  SELECT min(k.`id`) FROM `suppliers` k WHERE k.`shop_id` = `suppliers`.`shop_id` AND k.`name` = `suppliers`.`name` COLLATE NOCASE
);--> statement-breakpoint
DROP INDEX `suppliers_shop_name_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `suppliers_shop_name_idx` ON `suppliers` (`shop_id`,"name" collate nocase);
