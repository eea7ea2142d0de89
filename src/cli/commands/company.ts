import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  createCompany,
  getCompany,
  getMaskedCredentials,
  listCompanies,
  removeCompany,
  updateCompany,
  validateNewCompany,
  type Company,
} from '../../companies/companies.service.js';
import { verifyNewCompanyCredentials } from '../../companies/companies.verify.js';
import { listOperationProblems } from '../../companies/operation-problems.repository.js';
import { UsageError } from '../../shared/errors.js';
import { keyValues, printNotes, printResult, table } from '../output.js';
import { parseId, parseList, parseMinutes, parseOnOff } from '../parse.js';
import { withApp, withQueues } from '../session.js';
import { describeChanges } from '../../audit/audit.repository.js';
import { CREDENTIAL_FIELDS } from '../../companies/companies.schema.js';
import { auditCli } from '../audit.js';

/** BullMQ is loaded only by the commands that change schedules (not by list or show). */
const schedules = () => import('../../jobs/schedules.js');

interface CompanyFlags {
  name?: string;
  sellerId?: string;
  region?: string;
  marketplace?: string[];
  endpoint?: string;
  timezone?: string;
  lwaClientId?: string;
  lwaClientSecret?: string;
  refreshToken?: string;
  lwaClientSecretFile?: string;
  refreshTokenFile?: string;
  allowOrderDownload?: boolean;
  allowFulfillmentUpload?: boolean;
  allowCheckoutByAmazonOrders?: boolean;
  zeroInventoryOnNoStockCancel?: boolean;
  settlementReconciliation?: boolean;
  downloadInterval?: number;
  uploadInterval?: number;
  verify?: boolean;
  json?: boolean;
}

function addCompanyOptions(command: Command): Command {
  return command
    .option('--name <name>', 'display name')
    .option('--seller-id <id>', 'Amazon selling-partner (merchant) id')
    .addOption(new Option('--region <region>', 'SP-API region').choices(['na', 'eu', 'fe']))
    .option('--marketplace <ids>', 'marketplace id(s), comma-separated or repeated', parseList)
    .option('--endpoint <endpoint>', 'live, sandbox, or a base URL (a simulator or test double)')
    .option(
      '--timezone <iana-name>',
      "time zone of local dates given for the company, e.g. America/Los_Angeles (default: its first marketplace's)",
    )
    .option('--lwa-client-id <id>', 'LWA client id of the SP-API application')
    .option('--lwa-client-secret <secret>', 'LWA client secret (stored encrypted)')
    .option('--refresh-token <token>', "the seller's refresh token (stored encrypted)")
    .option('--lwa-client-secret-file <path>', 'read the LWA client secret from a file (- for stdin)')
    .option('--refresh-token-file <path>', 'read the refresh token from a file (- for stdin), not argv')
    .option('--allow-order-download <on|off>', 'download orders every interval', parseOnOff)
    .option('--allow-fulfillment-upload <on|off>', 'upload shipments every interval', parseOnOff)
    .option(
      '--allow-checkout-by-amazon-orders <on|off>',
      'import orders of non-Amazon sales channels',
      parseOnOff,
    )
    .option(
      '--zero-inventory-on-no-stock-cancel <on|off>',
      'zero a SKU on Amazon when cancelling for no stock',
      parseOnOff,
    )
    .option(
      '--settlement-reconciliation <on|off>',
      'ingest Amazon settlement reports and reconcile them with the orders',
      parseOnOff,
    )
    .option('--download-interval <minutes>', 'order download interval', parseMinutes)
    .option('--upload-interval <minutes>', 'fulfillment upload interval', parseMinutes)
    .option('--json', 'print JSON');
}

function toInput(flags: CompanyFlags): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: flags.name,
    sellerId: flags.sellerId,
    region: flags.region,
    marketplaceIds: flags.marketplace,
    endpoint: flags.endpoint,
    timeZone: flags.timezone,
    lwaClientId: flags.lwaClientId,
    lwaClientSecret: flags.lwaClientSecret,
    refreshToken: flags.refreshToken,
    allowOrderDownload: flags.allowOrderDownload,
    allowFulfillmentUpload: flags.allowFulfillmentUpload,
    allowCheckoutByAmazonOrders: flags.allowCheckoutByAmazonOrders,
    zeroInventoryOnNoStockCancel: flags.zeroInventoryOnNoStockCancel,
    settlementReconciliation: flags.settlementReconciliation,
    downloadIntervalMinutes: flags.downloadInterval,
    uploadIntervalMinutes: flags.uploadInterval,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

const REQUIRED_FOR_ADD: [keyof CompanyFlags, string][] = [
  ['name', '--name'],
  ['sellerId', '--seller-id'],
  ['region', '--region'],
  ['marketplace', '--marketplace'],
  ['lwaClientId', '--lwa-client-id'],
  ['lwaClientSecret', '--lwa-client-secret'],
  ['refreshToken', '--refresh-token'],
];

const SECRET_FILES = [
  ['lwaClientSecretFile', 'lwaClientSecret', '--lwa-client-secret'],
  ['refreshTokenFile', 'refreshToken', '--refresh-token'],
] as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Secrets given as files (or stdin) are read into their flags, so they never sit in argv or shell history. */
async function readSecretFiles(flags: CompanyFlags): Promise<CompanyFlags> {
  const read = { ...flags };
  const fromStdin = SECRET_FILES.filter(([file]) => flags[file] === '-');
  if (fromStdin.length > 1) throw new UsageError('only one secret can be read from stdin (-)');
  for (const [file, key, flag] of SECRET_FILES) {
    const path = flags[file];
    if (path === undefined) continue;
    if (flags[key] !== undefined)
      throw new UsageError(`give ${flag} or ${flag}-file, not both`, { field: flag });
    const text =
      path === '-'
        ? await readStdin()
        : await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
            throw new UsageError(`${flag}-file: cannot read ${path} (${err.code ?? err.message})`, {
              field: `${flag}-file`,
            });
          });
    const value = text.replace(/\r?\n$/, '');
    if (value.trim() === '') {
      throw new UsageError(`${flag}-file: ${path === '-' ? 'stdin' : path} is empty`, {
        field: `${flag}-file`,
      });
    }
    read[key] = value;
  }
  return read;
}

function describe(company: Company): string {
  return keyValues({ ...company });
}

export function companyCommand(): Command {
  const company = new Command('company').description('manage seller accounts (companies)');

  addCompanyOptions(company.command('add').description('add a company'))
    .option('--verify', 'exchange the refresh token with Amazon first; add the company only if it works')
    .action(async (given: CompanyFlags) => {
      const flags = await readSecretFiles(given);
      const missing = REQUIRED_FOR_ADD.filter(([key]) => flags[key] === undefined).map(([, flag]) => flag);
      if (missing.length > 0)
        throw new UsageError(`company add: missing ${missing.join(', ')}`, { field: missing[0] });
      const input = toInput(flags);
      const created = await withApp(
        async (app) => {
          if (flags.verify)
            await verifyNewCompanyCredentials(validateNewCompany(input), {
              lwaClientSecret: '--lwa-client-secret',
              refreshToken: '--refresh-token',
            });
          const added = await createCompany(app.db, app.config.keyring, input, {
            verified: flags.verify ?? false,
          });
          await withQueues(app, async (queues) =>
            (await schedules()).reconcileCompanySchedules(queues, added),
          );
          await auditCli(app, {
            action: 'company.add',
            companyId: added.id,
            detail: describeChanges(input, CREDENTIAL_FIELDS),
          });
          return added;
        },
        { redis: true },
      );
      if (flags.verify)
        printNotes(flags.json ?? false, ['Amazon accepted the credentials: the company is active']);
      printResult(flags.json ?? false, created, () => `company ${created.id} added\n${describe(created)}`);
    });

  company
    .command('list')
    .description('list companies')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const companies = await withApp((app) => listCompanies(app.db));
      printResult(flags.json ?? false, companies, () =>
        table(
          companies.map((c) => ({
            id: c.id,
            name: c.name,
            seller: c.sellerId,
            region: c.region,
            endpoint: c.endpoint,
            auth: c.authStatus,
            download: c.allowOrderDownload ? 'on' : 'off',
            upload: c.allowFulfillmentUpload ? 'on' : 'off',
          })),
          ['id', 'name', 'seller', 'region', 'endpoint', 'auth', 'download', 'upload'],
        ),
      );
    });

  company
    .command('show')
    .description('show one company, secrets masked')
    .argument('<id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (companyId: number, flags: { json?: boolean }) => {
      const shown = await withApp(async (app) => ({
        ...(await getCompany(app.db, companyId)),
        credentials: await getMaskedCredentials(app.db, app.config.keyring, companyId),
        operationProblems: await listOperationProblems(app.db, companyId),
      }));
      printResult(flags.json ?? false, shown, () => {
        const { credentials, operationProblems, ...rest } = shown;
        const problems = operationProblems.map(
          (problem) =>
            `amazon refuses ${problem.operation} (HTTP ${problem.status ?? '?'}, last ${problem.lastSeenAt.toISOString()}): ${problem.problem}`,
        );
        return [keyValues({ ...rest, ...credentials }), ...problems].join('\n');
      });
    });

  addCompanyOptions(
    company
      .command('set')
      .description('change settings, toggles or credentials')
      .argument('<id>', 'company id', parseId),
  ).action(async (companyId: number, given: CompanyFlags) => {
    const flags = await readSecretFiles(given);
    const updated = await withApp(
      async (app) => {
        const input = toInput(flags);
        const changed = await updateCompany(app.db, app.config.keyring, companyId, input);
        await withQueues(app, async (queues) =>
          (await schedules()).reconcileCompanySchedules(queues, changed),
        );
        await auditCli(app, {
          action: 'company.set',
          companyId,
          detail: describeChanges(input, CREDENTIAL_FIELDS),
        });
        return changed;
      },
      { redis: true, company: companyId },
    );
    printResult(flags.json ?? false, updated, () => `company ${updated.id} updated\n${describe(updated)}`);
  });

  company
    .command('remove')
    .description('remove a company, its schedules and its run history')
    .argument('<id>', 'company id', parseId)
    .option('--yes', 'confirm the removal')
    .option('--json', 'print JSON')
    .action(async (companyId: number, flags: { yes?: boolean; json?: boolean }) => {
      if (!flags.yes) throw new UsageError(`company remove ${companyId}: add --yes to confirm`);
      await withApp(
        async (app) => {
          await removeCompany(app.db, companyId);
          await withQueues(app, async (queues) =>
            (await schedules()).removeCompanySchedules(queues, companyId),
          );
          await auditCli(app, { action: 'company.remove', companyId });
        },
        { redis: true, company: companyId },
      );
      printResult(flags.json ?? false, { removed: companyId }, () => `company ${companyId} removed`);
    });

  return company;
}
