-- Shopify variant ids are stored as the number its webhooks carry. Hydrogen pages and the
-- GraphQL APIs give `gid://shopify/ProductVariant/123` (maybe with a `?…`), and ids of that
-- form were stored as given until now: such a variant never heard its webhooks. Every table
-- that names a variant is rewritten to the number; other ids (SKUs, `variant_01H…`) are kept.
--
-- When a shop holds both forms of one variant (a collision):
--   * variants: the numeric row stays (the one Shopify's webhooks keep current: inventory,
--     mode, ETA); a column it leaves empty (NULL, or '' / [] for titles and tags) is taken from
--     the GID row, ETA fields together; the GID row goes. Two GID spellings without a numeric row:
--     the oldest stays, filled the same way from the next oldest.
--   * signups: both lines become one. The sequence is shop-wide, so the merged line is in the
--     order people joined, across both forms; nobody loses a place, and nobody moves past
--     someone who joined earlier.
--   * one contact with a place in both lines keeps one: the place holding a hold (status
--     offered), else the earliest. The other is cancelled quietly, logged in queue_actions
--     as a removal with the reason; if it held a hold too, that hold is cancelled.
--   * everything else (offers, backorders, purchase orders, restocks, ETA changes, platform
--     levels and order lines, conversions, queue actions, order lines, pending jobs) is renamed,
--     and so joins the one variant; backorders stay in order-time FIFO.
CREATE TABLE `_variant_gids` (`gid` text PRIMARY KEY NOT NULL, `num` text NOT NULL);
--> statement-breakpoint
INSERT INTO `_variant_gids` (`gid`, `num`)
  SELECT `gid`, `num` FROM (
    SELECT `gid`, CASE WHEN instr(`rest`, '?') > 0 THEN substr(`rest`, 1, instr(`rest`, '?') - 1) ELSE `rest` END AS `num`
    FROM (
      SELECT `gid`, substr(`gid`, length('gid://shopify/ProductVariant/') + 1) AS `rest` FROM (
        SELECT `id` AS `gid` FROM `variants`
        UNION SELECT `variant_id` FROM `signups`
        UNION SELECT `variant_id` FROM `offers`
        UNION SELECT `variant_id` FROM `backorders`
        UNION SELECT `variant_id` FROM `conversions`
        UNION SELECT `variant_id` FROM `eta_changes`
        UNION SELECT `variant_id` FROM `platform_levels`
        UNION SELECT `variant_id` FROM `platform_order_lines`
        UNION SELECT `variant_id` FROM `po_receipts`
        UNION SELECT `variant_id` FROM `purchase_orders`
        UNION SELECT `variant_id` FROM `queue_actions`
        UNION SELECT `variant_id` FROM `queue_counts`
        UNION SELECT `variant_id` FROM `restocks`
        UNION SELECT json_extract(l.`value`, '$.variantId') FROM `orders` o, json_each(o.`lines`) l
        UNION SELECT json_extract(`payload`, '$.variantId') FROM `jobs` WHERE `status` IN ('pending', 'running')
      ) WHERE `gid` GLOB 'gid://shopify/ProductVariant/*'
    )
  ) WHERE `num` <> '' AND `num` NOT GLOB '*[^0-9]*';
--> statement-breakpoint
-- Every variant row with the number it will have; rank 1 in its (shop, number) group stays.
CREATE TABLE `_variant_keep` AS
  SELECT `shop_id`, `id`, `num`,
    row_number() OVER (PARTITION BY `shop_id`, `num` ORDER BY `id` = `num` DESC, `created_at`, `rowid`) AS `rank`,
    first_value(`id`) OVER (PARTITION BY `shop_id`, `num` ORDER BY `id` = `num` DESC, `created_at`, `rowid`) AS `keep`
  FROM (SELECT v.`shop_id`, v.`id`, coalesce(m.`num`, v.`id`) AS `num`, v.`created_at`, v.`rowid` FROM `variants` v LEFT JOIN `_variant_gids` m ON m.`gid` = v.`id`)
  WHERE `num` IN (SELECT `num` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `variants` AS v SET
  `product_id` = coalesce(v.`product_id`, g.`product_id`),
  `product_title` = CASE WHEN v.`product_title` = '' THEN g.`product_title` ELSE v.`product_title` END,
  `title` = CASE WHEN v.`title` = '' THEN g.`title` ELSE v.`title` END,
  `url` = coalesce(v.`url`, g.`url`),
  `image_url` = coalesce(v.`image_url`, g.`image_url`),
  `price` = coalesce(v.`price`, g.`price`),
  `currency` = coalesce(v.`currency`, g.`currency`),
  `eta_earliest` = CASE WHEN v.`eta_earliest` IS NULL THEN g.`eta_earliest` ELSE v.`eta_earliest` END,
  `eta_latest` = CASE WHEN v.`eta_earliest` IS NULL THEN g.`eta_latest` ELSE v.`eta_latest` END,
  `eta_source` = CASE WHEN v.`eta_earliest` IS NULL THEN g.`eta_source` ELSE v.`eta_source` END,
  `eta_basis` = CASE WHEN v.`eta_earliest` IS NULL THEN g.`eta_basis` ELSE v.`eta_basis` END,
  `preorder_limit` = coalesce(v.`preorder_limit`, g.`preorder_limit`),
  `inventory_item_id` = coalesce(v.`inventory_item_id`, g.`inventory_item_id`),
  `product_type` = coalesce(v.`product_type`, g.`product_type`),
  `tags` = CASE WHEN v.`tags` = '[]' THEN g.`tags` ELSE v.`tags` END
FROM `variants` g JOIN `_variant_keep` k ON k.`shop_id` = g.`shop_id` AND k.`id` = g.`id` AND k.`rank` = 2
WHERE v.`shop_id` = k.`shop_id` AND v.`id` = k.`keep`;
--> statement-breakpoint
DELETE FROM `variants` WHERE EXISTS (
  SELECT 1 FROM `_variant_keep` k WHERE k.`shop_id` = `variants`.`shop_id` AND k.`id` = `variants`.`id` AND k.`rank` > 1
);
--> statement-breakpoint
UPDATE `variants` SET `id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `variants`.`id`)
  WHERE `id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
-- One active place per contact in the merged line: the one holding a hold, else the earliest.
CREATE TABLE `_signup_dupes` AS
  SELECT `id`, `shop_id`, `num` FROM (
    SELECT s.`id`, s.`shop_id`, coalesce(m.`num`, s.`variant_id`) AS `num`,
      row_number() OVER (PARTITION BY s.`shop_id`, coalesce(m.`num`, s.`variant_id`), s.`contact_id` ORDER BY s.`status` = 'offered' DESC, s.`seq`) AS `rank`
    FROM `signups` s LEFT JOIN `_variant_gids` m ON m.`gid` = s.`variant_id`
    WHERE s.`status` IN ('pending', 'waiting', 'offered')
  ) WHERE `rank` > 1;
--> statement-breakpoint
INSERT INTO `queue_actions` (`shop_id`, `signup_id`, `variant_id`, `action`, `reason`, `created_at`)
  SELECT `shop_id`, `id`, `num`, 'remove',
    'Same person already in this line under the other form of its Shopify id (gid://shopify/ProductVariant/…); the two lines were merged and their earlier place kept',
    CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM `_signup_dupes`;
--> statement-breakpoint
UPDATE `offers` SET `status` = 'cancelled', `resolved_at` = CAST(strftime('%s', 'now') AS INTEGER) * 1000
  WHERE `status` = 'active' AND `signup_id` IN (SELECT `id` FROM `_signup_dupes`);
--> statement-breakpoint
UPDATE `signups` SET `status` = 'cancelled', `updated_at` = CAST(strftime('%s', 'now') AS INTEGER) * 1000
  WHERE `id` IN (SELECT `id` FROM `_signup_dupes`);
--> statement-breakpoint
-- The queue_counts triggers (0004) move each waiting signup's count to the numeric line.
UPDATE `signups` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `signups`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
DELETE FROM `queue_counts` WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `offers` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `offers`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `backorders` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `backorders`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `conversions` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `conversions`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `eta_changes` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `eta_changes`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `platform_levels` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `platform_levels`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `platform_order_lines` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `platform_order_lines`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `po_receipts` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `po_receipts`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `purchase_orders` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `purchase_orders`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `queue_actions` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `queue_actions`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `restocks` SET `variant_id` = (SELECT `num` FROM `_variant_gids` WHERE `gid` = `restocks`.`variant_id`) WHERE `variant_id` IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
UPDATE `orders` SET `lines` = (
  SELECT json_group_array(CASE WHEN m.`num` IS NULL THEN json(l.`value`) ELSE json_set(l.`value`, '$.variantId', m.`num`) END)
  FROM json_each(`orders`.`lines`) l LEFT JOIN `_variant_gids` m ON m.`gid` = json_extract(l.`value`, '$.variantId')
) WHERE EXISTS (SELECT 1 FROM json_each(`orders`.`lines`) l WHERE json_extract(l.`value`, '$.variantId') IN (SELECT `gid` FROM `_variant_gids`));
--> statement-breakpoint
UPDATE `jobs` SET `payload` = json_set(`payload`, '$.variantId', (SELECT `num` FROM `_variant_gids` WHERE `gid` = json_extract(`jobs`.`payload`, '$.variantId')))
  WHERE `status` IN ('pending', 'running') AND json_extract(`payload`, '$.variantId') IN (SELECT `gid` FROM `_variant_gids`);
--> statement-breakpoint
-- The ids a variant carries for Shopify's other webhooks, by the same rule.
UPDATE `variants` SET `inventory_item_id` = substr(`inventory_item_id`, length('gid://shopify/InventoryItem/') + 1)
  WHERE `inventory_item_id` GLOB 'gid://shopify/InventoryItem/[0-9]*' AND substr(`inventory_item_id`, length('gid://shopify/InventoryItem/') + 1) NOT GLOB '*[^0-9]*';
--> statement-breakpoint
UPDATE `variants` SET `product_id` = substr(`product_id`, length('gid://shopify/Product/') + 1)
  WHERE `product_id` GLOB 'gid://shopify/Product/[0-9]*' AND substr(`product_id`, length('gid://shopify/Product/') + 1) NOT GLOB '*[^0-9]*';
--> statement-breakpoint
DROP TABLE `_signup_dupes`;
--> statement-breakpoint
DROP TABLE `_variant_keep`;
--> statement-breakpoint
DROP TABLE `_variant_gids`;
