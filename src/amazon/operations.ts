/**
 * Every SP-API operation sellersync calls, with where the `amazon-sp-api` package finds it and Amazon's
 * default usage plan (rate = tokens per second, burst = bucket size) from the models' usage-plan tables.
 * A response's `x-amzn-RateLimit-Limit` replaces the rate for the seller from then on.
 */
export interface OperationDefinition {
  endpoint: 'orders' | 'reports' | 'feeds' | 'listingsItems' | 'finances';
  version: string;
  rate: number;
  burst: number;
  /**
   * False when sending twice could act twice: an answer lost in transit (timeout, reset, 5xx) is then
   * not retried here, because Amazon may have acted; the caller recovers (a feed is looked up with
   * getFeeds before it is submitted again). Refusals Amazon did not act on (429, 403) are retried.
   */
  resendable: boolean;
}

export const OPERATIONS = {
  searchOrders: { endpoint: 'orders', version: '2026-01-01', rate: 0.0056, burst: 20, resendable: true },
  getOrder: { endpoint: 'orders', version: '2026-01-01', rate: 0.5, burst: 30, resendable: true },
  confirmShipment: { endpoint: 'orders', version: 'v0', rate: 2, burst: 10, resendable: true },
  createReport: { endpoint: 'reports', version: '2021-06-30', rate: 0.0167, burst: 15, resendable: true },
  getReport: { endpoint: 'reports', version: '2021-06-30', rate: 2, burst: 15, resendable: true },
  getReports: { endpoint: 'reports', version: '2021-06-30', rate: 0.0222, burst: 10, resendable: true },
  cancelReport: { endpoint: 'reports', version: '2021-06-30', rate: 0.0222, burst: 10, resendable: true },
  getReportDocument: {
    endpoint: 'reports',
    version: '2021-06-30',
    rate: 0.0167,
    burst: 15,
    resendable: true,
  },
  createFeedDocument: { endpoint: 'feeds', version: '2021-06-30', rate: 0.5, burst: 15, resendable: true },
  createFeed: { endpoint: 'feeds', version: '2021-06-30', rate: 0.0083, burst: 15, resendable: false },
  getFeed: { endpoint: 'feeds', version: '2021-06-30', rate: 2, burst: 15, resendable: true },
  getFeeds: { endpoint: 'feeds', version: '2021-06-30', rate: 0.0222, burst: 10, resendable: true },
  getFeedDocument: { endpoint: 'feeds', version: '2021-06-30', rate: 0.0222, burst: 10, resendable: true },
  patchListingsItem: {
    endpoint: 'listingsItems',
    version: '2021-08-01',
    rate: 5,
    burst: 5,
    resendable: true,
  },
  listFinancialEventsByOrderId: {
    endpoint: 'finances',
    version: 'v0',
    rate: 0.5,
    burst: 30,
    resendable: true,
  },
  listTransactions: { endpoint: 'finances', version: '2024-06-19', rate: 0.5, burst: 10, resendable: true },
} as const satisfies Record<string, OperationDefinition>;

export type OperationName = keyof typeof OPERATIONS;
