import type { AdminIdempotencyKeysTable } from '../admin/idempotency.table.js';
import type { AuditLogTable } from '../audit/audit.table.js';
import type { CancellationItemsTable, CancellationsTable } from '../cancellations/cancellations.table.js';
import type { CompaniesTable } from '../companies/companies.table.js';
import type { CompanyOperationProblemsTable } from '../companies/operation-problems.table.js';
import type { FeedMessagesTable, FeedsTable } from '../feeds/feeds.table.js';
import type {
  CompanyShipFromColumns,
  ShipmentItemsTable,
  ShipmentsTable,
} from '../fulfillment/shipments.table.js';
import type { InventoryZeroingsTable } from '../inventory/zeroings.table.js';
import type { JobLeasesTable } from '../jobs/job-leases.table.js';
import type { JobRunsTable } from '../jobs/job-runs.table.js';
import type { SyncCursorsTable } from '../jobs/sync-cursors.table.js';
import type { SkippedCheckoutByAmazonOrdersTable } from '../orders/checkout-by-amazon.table.js';
import type { OrderDownloadProblemsTable } from '../orders/download-problems.table.js';
import type { OrderEventsTable, OrderItemsTable, OrdersTable } from '../orders/orders.table.js';
import type { RefundItemsTable, RefundLinesTable, RefundsTable } from '../refunds/refunds.table.js';
import type { ReturnItemsTable, ReturnsTable } from '../returns/returns.table.js';
import type {
  FinanceCursorsTable,
  FinanceTransactionsTable,
} from '../settlements/finance-transactions.table.js';
import type {
  SettlementDiscrepanciesTable,
  SettlementLinesTable,
  SettlementQuarantineTable,
  SettlementRefundsTable,
  SettlementReportsTable,
  SettlementRevisionsTable,
  SettlementsTable,
} from '../settlements/settlements.table.js';

/** Every table sellersync owns; each domain declares its own tables. */
export interface Database {
  companies: CompaniesTable & CompanyShipFromColumns;
  company_operation_problems: CompanyOperationProblemsTable;
  job_runs: JobRunsTable;
  job_leases: JobLeasesTable;
  sync_cursors: SyncCursorsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_events: OrderEventsTable;
  order_download_problems: OrderDownloadProblemsTable;
  skipped_checkout_by_amazon_orders: SkippedCheckoutByAmazonOrdersTable;
  feeds: FeedsTable;
  feed_messages: FeedMessagesTable;
  shipments: ShipmentsTable;
  shipment_items: ShipmentItemsTable;
  cancellations: CancellationsTable;
  cancellation_items: CancellationItemsTable;
  inventory_zeroings: InventoryZeroingsTable;
  settlements: SettlementsTable;
  settlement_lines: SettlementLinesTable;
  settlement_quarantine: SettlementQuarantineTable;
  settlement_revisions: SettlementRevisionsTable;
  settlement_reports: SettlementReportsTable;
  settlement_discrepancies: SettlementDiscrepanciesTable;
  settlement_refunds: SettlementRefundsTable;
  finance_transactions: FinanceTransactionsTable;
  finance_cursors: FinanceCursorsTable;
  refunds: RefundsTable;
  refund_items: RefundItemsTable;
  refund_lines: RefundLinesTable;
  returns: ReturnsTable;
  return_items: ReturnItemsTable;
  admin_idempotency_keys: AdminIdempotencyKeysTable;
  audit_log: AuditLogTable;
}
