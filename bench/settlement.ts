/**
 * A generated 1,000,000-row V2 settlement file (Amazon's 24 columns, sales, refunds with commission and
 * refund administration fee, service fees, reserves-style and unknown types, 50,000 orders) ingested
 * through the real path (file stream → decode → parse → batched upserts into Postgres), then ingested
 * again. Prints one JSON line last:
 *   rows                   detail rows in the file
 *   wall_s                 seconds of the first ingest
 *   rows_per_s             rows / wall_s
 *   peak_rss_mb            peak resident memory of the process during the ingests
 *   rss_100k_mb            resident memory once 100,000 rows were committed
 *   reingest_changed_rows  rows the second ingest of the same file changed (0 expected)
 * Usage: npm run bench:settlement [-- --rows 1000000 --orders 50000]
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createCompany } from '../src/companies/companies.service.js';
import { loadConfig, readEnvironment } from '../src/config.js';
import { createDb, ensureDatabaseExists } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { generatedSettlementFile } from '../src/settlements/settlement-file.test-support.js';
import { ingestSettlement } from '../src/settlements/settlements.ingest.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, orders: { type: 'string', default: '50000' } },
});
const ROWS = Number(values.rows);
const ORDERS = Number(values.orders);
const BASE_URL = readEnvironment().BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main(): Promise<void> {
  const name = `sellersync_bench_settlement_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const file = join(tmpdir(), `${name}.txt`);
  await ensureDatabaseExists(databaseUrl);
  const db = createDb(databaseUrl, 4);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    await migrateToLatest(db);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });
    const company = await createCompany(db, config.keyring, {
      name: 'Bench Seller',
      sellerId: 'A1BENCHSETTLE',
      region: 'na',
      marketplaceIds: ['ATVPDKIKX0DER'],
      lwaClientId: 'amzn1.application-oa2-client.bench',
      lwaClientSecret: 'bench-secret',
      refreshToken: 'Atzr|bench',
    });
    await pipeline(
      Readable.from(generatedSettlementFile({ settlementId: 'BENCH-1', rows: ROWS, orders: ORDERS })),
      createWriteStream(file),
    );
    peak = 0;
    let rss100k = 0;
    const started = performance.now();
    const first = await ingestSettlement(db, createReadStream(file), {
      companyId: company.id,
      source: 'file:bench',
      now: () => new Date(),
      onBatch: (lines) => {
        if (rss100k === 0 && lines >= 100_000) rss100k = process.memoryUsage().rss;
      },
    });
    const wall = (performance.now() - started) / 1000;
    if (first.lineCount !== ROWS || !first.addsUp) throw new Error(`ingest wrong: ${JSON.stringify(first)}`);
    const second = await ingestSettlement(db, createReadStream(file), {
      companyId: company.id,
      source: 'file:bench',
      now: () => new Date(),
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(
      `${JSON.stringify({
        rows: ROWS,
        wall_s: Math.round(wall * 10) / 10,
        rows_per_s: Math.round(ROWS / wall),
        peak_rss_mb: mb(peak),
        rss_100k_mb: mb(rss100k),
        reingest_changed_rows: second.changedRows,
      })}\n`,
    );
  } finally {
    clearInterval(sampler);
    await db.destroy();
    await rm(file, { force: true });
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
