/** Amazon's default usage plans (requests per second, burst) per operation, from the API models. */
export const USAGE_PLANS = {
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  createReport: { rate: 0.0167, burst: 15 },
  getReports: { rate: 0.0222, burst: 10 },
  getReport: { rate: 2, burst: 15 },
  cancelReport: { rate: 0.0222, burst: 10 },
  getReportDocument: { rate: 0.0167, burst: 15 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeeds: { rate: 0.0222, burst: 10 },
  cancelFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  listFinancialEventsByOrderId: { rate: 0.5, burst: 30 },
  listTransactions: { rate: 0.5, burst: 10 },
} as const satisfies Record<string, UsagePlan>;

export interface UsagePlan {
  rate: number;
  burst: number;
}

export type Operation = keyof typeof USAGE_PLANS;

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(USAGE_PLANS, name);
}
