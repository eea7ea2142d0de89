import { Readable } from 'node:stream';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.repository.js';
import { getCompany } from '../../companies/companies.service.js';
import { amazonOrderIdSchema } from '../../fulfillment/shipment-input.js';
import { listOpenDiscrepancies } from '../../settlements/discrepancies.repository.js';
import { importSettlement, settlementImportAudit } from '../../settlements/settlements.import.js';
import { listSettlements, orderPnl, showSettlement } from '../../settlements/settlements.queries.js';
import { actorOf, companyParams, optionalCompanyQuery } from '../deps.js';
import { pageOfAll, pageQuerySchema } from '../pagination.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clockOf, type AppContext } from '../../context.js';
import type { AdminRoutes, ZodServer } from '../types.js';

const tags = ['settlements'];

/** A settlement file is larger than any JSON body: uploads of it alone may reach this. */
export const SETTLEMENT_UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
const UPLOAD_TYPES = ['application/octet-stream', 'application/gzip', 'text/tab-separated-values'];

const settlementParams = companyParams.extend({
  settlementId: z
    .string()
    .regex(/^\d{1,20}$/, { error: "expected Amazon's settlement id (digits)" })
    .describe("Amazon's settlement id"),
});

const uploadQuery = z.object({
  name: z
    .string()
    .regex(/^[\w.() -]{1,120}$/, { error: 'expected a file name (letters, digits, . _ - ( ) and spaces)' })
    .default('upload')
    .describe('the file name, kept as the settlement’s source (file:<name>)'),
  charset: z
    .string()
    .regex(/^[\w.:-]{1,40}$/, { error: 'expected a charset name, e.g. Cp1252 or Shift_JIS' })
    .optional()
    .describe("the file's charset (default: UTF-8, or Cp1252 when it is not UTF-8)"),
});

/** `POST …/settlements`: `sellersync settlements import` with the file as the body. */
function importRoute(server: ZodServer, app: AppContext): void {
  server.post(
    '/api/companies/:companyId/settlements',
    {
      bodyLimit: SETTLEMENT_UPLOAD_LIMIT_BYTES,
      schema: {
        summary:
          'ingest a settlement flat file downloaded by hand (V2 or V1, gzipped or not), then reconcile it',
        description: `The body is the file itself (\`Content-Type: ${UPLOAD_TYPES.join(' | ')}\`, up to ${SETTLEMENT_UPLOAD_LIMIT_BYTES / 1024 / 1024} MiB; gzip a larger one). The same settlement again changes nothing; a reissued one replaces it, its changes recorded.`,
        tags,
        params: companyParams,
        querystring: uploadQuery,
        consumes: UPLOAD_TYPES,
        body: z
          .custom<Buffer>((value) => Buffer.isBuffer(value) && value.length > 0, {
            error: `expected the settlement file as the body (Content-Type: ${UPLOAD_TYPES.join(' | ')})`,
          })
          .meta({ type: 'string', format: 'binary' }),
      },
    },
    async (request, reply) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      const { name, charset } = request.query;
      const file = request.body;
      const outcome = await importSettlement(
        app.db,
        companyId,
        {
          name,
          bytes: () => Readable.from([file]),
          charset,
          field: 'body',
          charsetField: 'querystring.charset',
        },
        clockOf(app)(),
      );
      await recordAudit(app.db, actorOf(request), settlementImportAudit(companyId, outcome));
      return reply.code(outcome.unchanged ? 200 : 201).send(outcome);
    },
  );
}

/** `sellersync settlements import | list | show | discrepancies`, `orders pnl`. */
export const settlementRoutes: AdminRoutes = (server, { app }) => {
  // The file as it was downloaded (gzipped or not), not JSON, read whole up to its own limit; in a scope
  // of its own so that no other route takes such a body.
  void server.register(async (scope) => {
    scope.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    importRoute(scope.withTypeProvider<ZodTypeProvider>(), app);
  });

  server.get(
    '/api/settlements',
    {
      schema: {
        summary: 'ingested settlements, newest first: period, deposit, total against the sum of the lines',
        tags,
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape),
      },
    },
    async (request) => {
      const { company } = request.query;
      if (company !== undefined) await getCompany(app.db, company);
      return pageOfAll(request.query, () => listSettlements(app.db, company));
    },
  );

  server.get(
    '/api/companies/:companyId/settlements/:settlementId',
    {
      schema: {
        summary:
          'one settlement: reserves, lines and amounts per transaction and amount type, unknown types, quarantined rows, revisions, discrepancies',
        tags,
        params: settlementParams,
      },
    },
    async (request) => {
      const { companyId, settlementId } = request.params;
      await getCompany(app.db, companyId);
      return showSettlement(app.db, settlementId, companyId);
    },
  );

  server.get(
    '/api/companies/:companyId/settlement-discrepancies',
    {
      schema: {
        summary:
          'open discrepancies: a settlement that does not add up, refund fee and commission anomalies, orders never downloaded, a missing period',
        tags,
        params: companyParams,
        querystring: pageQuerySchema,
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      return pageOfAll(request.query, async () =>
        (await listOpenDiscrepancies(app.db, companyId)).map((row) => ({
          id: row.id,
          kind: row.kind,
          amazonOrderId: row.amazon_order_id,
          foundAt: row.found_at,
          detail: row.detail,
        })),
      );
    },
  );

  server.get(
    '/api/companies/:companyId/orders/:amazonOrderId/pnl',
    {
      schema: {
        summary:
          'an order as settled: principal, tax, shipping, promotions, each fee, refunds (who initiated them), net proceeds',
        tags,
        params: companyParams.extend({ amazonOrderId: amazonOrderIdSchema }),
      },
    },
    async (request) => {
      const { companyId, amazonOrderId } = request.params;
      await getCompany(app.db, companyId);
      return orderPnl(app.db, companyId, amazonOrderId);
    },
  );
};
