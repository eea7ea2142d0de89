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
}

export const OPERATIONS = {
  searchOrders: { endpoint: 'orders', version: '2026-01-01', rate: 0.0056, burst: 20 },
  getOrder: { endpoint: 'orders', version: '2026-01-01', rate: 0.5, burst: 30 },
  confirmShipment: { endpoint: 'orders', version: 'v0', rate: 2, burst: 10 },
  createReport: { endpoint: 'reports', version: '2021-06-30', rate: 0.0167, burst: 15 },
  getReport: { endpoint: 'reports', version: '2021-06-30', rate: 2, burst: 15 },
  getReports: { endpoint: 'reports', version: '2021-06-30', rate: 0.0222, burst: 10 },
  cancelReport: { endpoint: 'reports', version: '2021-06-30', rate: 0.0222, burst: 10 },
  getReportDocument: { endpoint: 'reports', version: '2021-06-30', rate: 0.0167, burst: 15 },
  createFeedDocument: { endpoint: 'feeds', version: '2021-06-30', rate: 0.5, burst: 15 },
  createFeed: { endpoint: 'feeds', version: '2021-06-30', rate: 0.0083, burst: 15 },
  getFeed: { endpoint: 'feeds', version: '2021-06-30', rate: 2, burst: 15 },
  getFeeds: { endpoint: 'feeds', version: '2021-06-30', rate: 0.0222, burst: 10 },
  getFeedDocument: { endpoint: 'feeds', version: '2021-06-30', rate: 0.0222, burst: 10 },
  patchListingsItem: { endpoint: 'listingsItems', version: '2021-08-01', rate: 5, burst: 5 },
  listFinancialEventsByOrderId: { endpoint: 'finances', version: 'v0', rate: 0.5, burst: 30 },
} as const satisfies Record<string, OperationDefinition>;

export type OperationName = keyof typeof OPERATIONS;
