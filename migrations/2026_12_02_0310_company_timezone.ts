import { sql, type Kysely } from 'kysely';

/**
 * Each company's time zone (an IANA name): local dates and times given for it, such as a ship date
 * without a zone, are read in it. Existing companies get their first marketplace's zone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE companies ADD COLUMN timezone text`.execute(db);
  await sql`
    UPDATE companies SET timezone = CASE marketplace_ids[1]
        WHEN 'A2EUQ1WTGCTBG2' THEN 'America/Toronto'
        WHEN 'ATVPDKIKX0DER' THEN 'America/Los_Angeles'
        WHEN 'A1AM78C64UM0Y8' THEN 'America/Mexico_City'
        WHEN 'A2Q3Y263D00KWC' THEN 'America/Sao_Paulo'
        WHEN 'A28R8C7NBKEWEA' THEN 'Europe/Dublin'
        WHEN 'A1RKKUPIHCS9HS' THEN 'Europe/Madrid'
        WHEN 'A1F83G8C2ARO7P' THEN 'Europe/London'
        WHEN 'A13V1IB3VIYZZH' THEN 'Europe/Paris'
        WHEN 'AMEN7PMS3EDWL' THEN 'Europe/Brussels'
        WHEN 'A1805IZSGTT6HS' THEN 'Europe/Amsterdam'
        WHEN 'A1PA6795UKMFR9' THEN 'Europe/Berlin'
        WHEN 'APJ6JRA9NG5V4' THEN 'Europe/Rome'
        WHEN 'A2NODRKZP88ZB9' THEN 'Europe/Stockholm'
        WHEN 'AE08WJ6YKNBMC' THEN 'Africa/Johannesburg'
        WHEN 'A1C3SOZRARQ6R3' THEN 'Europe/Warsaw'
        WHEN 'ARBP9OOSHTCHU' THEN 'Africa/Cairo'
        WHEN 'A33AVAJ2PDY3EV' THEN 'Europe/Istanbul'
        WHEN 'A17E79C6D8DWNP' THEN 'Asia/Riyadh'
        WHEN 'A2VIGQ35RCS4UG' THEN 'Asia/Dubai'
        WHEN 'A21TJRUUN4KGV' THEN 'Asia/Kolkata'
        WHEN 'A19VAU5U5O7RUS' THEN 'Asia/Singapore'
        WHEN 'A39IBJ37TRP1C6' THEN 'Australia/Sydney'
        WHEN 'A1VC38T7YXB528' THEN 'Asia/Tokyo'
        ELSE 'UTC'
      END
  `.execute(db);
  await sql`ALTER TABLE companies ALTER COLUMN timezone SET NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE companies DROP COLUMN timezone`.execute(db);
}
