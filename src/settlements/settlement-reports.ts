import type { AmazonPort, AmazonReport } from '../amazon/port.js';
import type { Db, Tx } from '../db/client.js';

/**
 * Amazon's settlement reports are generated on its own schedule and can only be listed (getReports) and
 * downloaded, never requested. Listing goes back as far as Amazon allows (90 days); a report already
 * ingested is never downloaded again. getReports ignores the marketplace filter for settlements, so
 * none is given: the file says which marketplace and currency it is.
 */

export const SETTLEMENT_REPORT_TYPE = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';

export interface SettlementListing {
  reports: AmazonReport[];
  /** Amazon's clock, from the listing's Date header. */
  amazonTime: Date;
}

export async function listSettlementReports(port: AmazonPort): Promise<SettlementListing> {
  const reports: AmazonReport[] = [];
  // Without createdSince Amazon lists the last 90 days by its own clock: as far back as it allows.
  let page = await port.getReports({
    reportTypes: [SETTLEMENT_REPORT_TYPE],
    processingStatuses: ['DONE'],
    pageSize: 100,
  });
  reports.push(...page.reports);
  while (page.nextToken) {
    page = await port.getReports({ nextToken: page.nextToken });
    reports.push(...page.reports);
  }
  const amazonTime = page.amazonTime;
  const ready = reports
    .filter((report) => report.reportDocumentId !== undefined)
    .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.reportId.localeCompare(b.reportId));
  return { reports: ready, amazonTime };
}

export async function ingestedReportIds(db: Db, companyId: number): Promise<Set<string>> {
  const rows = await db
    .selectFrom('settlement_reports')
    .select('report_id')
    .where('company_id', '=', companyId)
    .execute();
  return new Set(rows.map((row) => row.report_id));
}

const dateOf = (text: string | undefined) => (text === undefined ? null : new Date(text));

export async function recordIngestedReport(
  db: Db | Tx,
  companyId: number,
  report: AmazonReport,
  settlementPk: number,
): Promise<void> {
  await db
    .insertInto('settlement_reports')
    .values({
      company_id: companyId,
      report_id: report.reportId,
      settlement_pk: settlementPk,
      data_start_time: dateOf(report.dataStartTime),
      data_end_time: dateOf(report.dataEndTime),
      created_time: dateOf(report.createdTime),
    })
    .onConflict((conflict) => conflict.columns(['company_id', 'report_id']).doNothing())
    .execute();
}
