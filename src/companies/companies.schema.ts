import { z } from 'zod';
import { hasUnsafeCharacter } from '../shared/text.js';
import { outboundUrlProblem } from '../shared/outbound-url.js';
import { canonicalTimeZone } from '../shared/time-zones.js';
import { REGIONS } from './companies.table.js';

/** Validation of company input at the edge (CLI flags, admin API bodies). */

/** `live`, `sandbox`, or a base URL allowed by the outbound URL policy (https, or http to this machine). */
export const endpointSchema = z
  .string()
  .superRefine((endpoint, context) => {
    if (endpoint === 'live' || endpoint === 'sandbox') return;
    const problem = outboundUrlProblem(endpoint);
    if (problem) {
      context.addIssue({
        code: 'custom',
        message: `expected live, sandbox or an https:// base URL (http:// only to 127.0.0.1): ${problem}`,
      });
    }
  })
  .transform((endpoint) => endpoint.replace(/\/+$/, ''));

/** An IANA time zone name, stored in its canonical spelling. */
export const timeZoneSchema = z.string().transform((name, context) => {
  const canonical = canonicalTimeZone(name.trim());
  if (canonical) return canonical;
  context.addIssue({
    code: 'custom',
    message: 'expected an IANA time zone name such as America/Los_Angeles, Europe/Berlin or UTC',
  });
  return z.NEVER;
});

const marketplaceId = z
  .string()
  .regex(/^[A-Z0-9]{9,15}$/, { error: 'expected an Amazon marketplace id like ATVPDKIKX0DER' });

const interval = z
  .number()
  .int()
  .min(1, { error: 'expected 1-1440 minutes' })
  .max(1440, { error: 'expected 1-1440 minutes' });

export const companySettingsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(200)
    .refine((value) => !hasUnsafeCharacter(value), {
      error: 'must not contain control characters (newlines, escape sequences, direction overrides)',
    }),
  sellerId: z
    .string()
    .regex(/^[A-Z0-9]{5,20}$/, { error: 'expected the Amazon merchant token, e.g. A2EXAMPLE1234' }),
  region: z.enum(REGIONS, { error: 'expected na, eu or fe' }),
  marketplaceIds: z.array(marketplaceId).min(1, { error: 'at least one marketplace id' }).max(50),
  endpoint: endpointSchema,
  timeZone: timeZoneSchema,
  allowOrderDownload: z.boolean(),
  allowFulfillmentUpload: z.boolean(),
  allowCheckoutByAmazonOrders: z.boolean(),
  zeroInventoryOnNoStockCancel: z.boolean(),
  settlementReconciliation: z.boolean(),
  downloadIntervalMinutes: interval,
  uploadIntervalMinutes: interval,
});

export const credentialsSchema = z.object({
  lwaClientId: z.string().trim().min(1, { error: 'must not be empty' }),
  lwaClientSecret: z.string().trim().min(1, { error: 'must not be empty' }),
  refreshToken: z.string().trim().min(1, { error: 'must not be empty' }),
});

/** The fields an audit entry names without their value. */
export const CREDENTIAL_FIELDS = Object.keys(credentialsSchema.shape);

export const newCompanySchema = companySettingsSchema
  .partial({
    endpoint: true,
    timeZone: true,
    allowOrderDownload: true,
    allowFulfillmentUpload: true,
    allowCheckoutByAmazonOrders: true,
    zeroInventoryOnNoStockCancel: true,
    settlementReconciliation: true,
    downloadIntervalMinutes: true,
    uploadIntervalMinutes: true,
  })
  .extend(credentialsSchema.shape)
  .strict();

export const companyChangesSchema = companySettingsSchema.extend(credentialsSchema.shape).partial().strict();

export type NewCompany = z.infer<typeof newCompanySchema>;
export type CompanyChanges = z.infer<typeof companyChangesSchema>;

/** Formats zod issues as `field: message` lines. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}
