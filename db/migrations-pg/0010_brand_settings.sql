-- Shops made before emails were branded get the default brand: no logo (the name heads the email), near-black.
UPDATE "shops" SET "settings" = jsonb_set("settings"::jsonb, '{brand}', '{"logoUrl":null,"color":"#1a1a1a"}'::jsonb)::json WHERE NOT ("settings"::jsonb ? 'brand');
