import type { MoneyLine, SimOrder, SimSeller } from './model.js';
import { SeededRandom } from './random.js';
import type { RecordDefects } from './record-defects.js';
import type { PageCursor, RecordedRequest, SimDocument, SimFeed, SimListing, SimReport } from './records.js';

export interface SettlementPeriod {
  sellerId: string;
  settlementId: string;
  start: Date;
  lines: MoneyLine[];
}

export interface ClosedPeriod {
  period: SettlementPeriod;
  end: Date;
  currency: string;
  /** Lines counted in the total but left out of the file. */
  unwritten: MoneyLine[];
}

const RECORDED_REQUESTS_KEPT = 5_000;

/** The whole simulated marketplace, in memory. Ids come from their own seeded stream so they repeat with the seed. */
export class SimStore {
  readonly sellers = new Map<string, SimSeller>();
  readonly accessTokens = new Map<string, { sellerId: string; expiresAt: Date }>();
  readonly orders = new Map<string, SimOrder>();
  readonly reports = new Map<string, SimReport>();
  readonly feeds = new Map<string, SimFeed>();
  readonly documents = new Map<string, SimDocument>();
  readonly listings = new Map<string, SimListing>();
  readonly openPeriods = new Map<string, SettlementPeriod>();
  /** Closed periods by settlement id, as their report was written: Amazon may reissue it. */
  readonly closedPeriods = new Map<string, ClosedPeriod>();
  /** Defects put on orders' records (tests): how the Orders API, the order reports and settlements serve them. */
  readonly defects: RecordDefects = new Map();
  /** Every money line ever posted, across settlement periods (the Finances API reads it). */
  readonly ledger: MoneyLine[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly pageCursors = new Map<string, PageCursor>();
  private readonly ids: SeededRandom;
  private requestCounter = 0;
  private reportCounter = 0;
  private feedCounter = 0;

  constructor(seed: number) {
    this.ids = new SeededRandom(seed ^ 0x5eed1d5);
  }

  sellerByRefreshToken(refreshToken: string): SimSeller | undefined {
    return [...this.sellers.values()].find((seller) => seller.refreshToken === refreshToken);
  }

  ordersOf(sellerId: string): SimOrder[] {
    return [...this.orders.values()].filter((order) => order.sellerId === sellerId);
  }

  record(request: RecordedRequest): void {
    this.requests.push(request);
    if (this.requests.length > RECORDED_REQUESTS_KEPT)
      this.requests.splice(0, this.requests.length - RECORDED_REQUESTS_KEPT);
  }

  newOrderId(random: SeededRandom): string {
    for (;;) {
      const id = `${random.int(111, 114)}-${random.digits(7)}-${random.digits(7)}`;
      if (!this.orders.has(id)) return id;
    }
  }

  newOrderItemId(random: SeededRandom): string {
    return `${random.int(1, 9)}${random.digits(13)}`;
  }

  newRequestId(): string {
    this.requestCounter++;
    const hex = this.requestCounter.toString(16).padStart(12, '0');
    return `5a1f0000-0000-4000-8000-${hex}`;
  }

  newReportId(): string {
    this.reportCounter++;
    return String(50_000_000_000 + this.reportCounter * 17 + this.ids.int(0, 16));
  }

  newFeedId(): string {
    this.feedCounter++;
    return String(60_000_000_000 + this.feedCounter * 13 + this.ids.int(0, 12));
  }

  newDocumentId(): string {
    const hex = (count: number) =>
      Array.from({ length: count }, () => this.ids.int(0, 15).toString(16)).join('');
    return `amzn1.tortuga.4.na.${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}.T${hex(14).toUpperCase()}`;
  }

  newSettlementId(): string {
    return `${this.ids.int(1, 9)}${this.ids.digits(10)}`;
  }

  newShipmentId(): string {
    return `D${this.ids.digits(3)}${Array.from({ length: 5 }, () => this.ids.pick('ABCDEFGHJKLMNPQRSTVWXYZ'.split(''))).join('')}`;
  }

  newAdjustmentId(): string {
    return `amzn1.sp.adj.${this.ids.digits(12)}`;
  }

  newAccessToken(): string {
    return `Atza|IwEB${Array.from({ length: 40 }, () => this.ids.int(0, 35).toString(36)).join('')}`;
  }
}
