-- Shops made before emails were branded get the default brand: no logo (the name heads the email), near-black.
UPDATE `shops` SET `settings` = json_set(`settings`, '$.brand', json('{"logoUrl":null,"color":"#1a1a1a"}')) WHERE json_type(`settings`, '$.brand') IS NULL;
