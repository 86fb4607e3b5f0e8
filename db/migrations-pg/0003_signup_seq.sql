CREATE SEQUENCE "public"."signup_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
-- Hand-written: a database that already has places continues past the highest,
-- so no number is handed out twice (db/to-postgres.ts does the same after a copy).
SELECT setval('"public"."signup_seq"', coalesce(max("seq"), 0) + 1, false) FROM "signups";
