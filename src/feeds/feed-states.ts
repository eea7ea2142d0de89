/**
 * A feed's life in sellersync. Amazon's own processing status (IN_QUEUE, IN_PROGRESS, DONE, CANCELLED,
 * FATAL) is kept beside it in `amazon_status`; our state says what we have done.
 *
 *   prepared    stored with its document and MessageID → entity map; nothing sent yet
 *   uploaded    the document is at Amazon (document_id recorded)
 *   submitting  createFeed is being called, or its outcome is unknown (timeout, reset, crash): nothing of
 *               the kind is sent until the landing horizon has passed and getFeeds did not find it;
 *               back to uploaded when Amazon answered without creating it (throttled, token refused)
 *   submitted   Amazon's feed id recorded; followed until Amazon finishes it
 *   done        the processing report was applied per message
 *   cancelled   Amazon cancelled it; its entities went back to wait
 *   fatal       Amazon aborted it, or its report rejected the whole document; entities went back to wait
 *   refused     Amazon refused the createFeed request (an HTTP 4xx); entities went back to wait
 */
export const FEED_STATES = [
  'prepared',
  'uploaded',
  'submitting',
  'submitted',
  'done',
  'cancelled',
  'fatal',
  'refused',
] as const;
export type FeedState = (typeof FEED_STATES)[number];

export const FEED_TRANSITIONS: Record<FeedState, readonly FeedState[]> = {
  prepared: ['uploaded'],
  uploaded: ['submitting'],
  submitting: ['submitted', 'refused', 'uploaded'],
  submitted: ['done', 'cancelled', 'fatal'],
  done: [],
  cancelled: [],
  fatal: [],
  refused: [],
};

export const OPEN_FEED_STATES = ['prepared', 'uploaded', 'submitting', 'submitted'] as const;
export const FINISHED_FEED_STATES = ['done', 'cancelled', 'fatal', 'refused'] as const;

/** The states a feed may be in for a move to `to`. */
export function statesLeadingTo(to: FeedState): FeedState[] {
  return FEED_STATES.filter((from) => FEED_TRANSITIONS[from].includes(to));
}

export function canTransition(from: FeedState, to: FeedState): boolean {
  return FEED_TRANSITIONS[from].includes(to);
}

/** Our name of a feed kind (`order-fulfillment`, …), stored on each feed; chosen by the domain that sends it. */
export type FeedKind = string;

export const XML_CONTENT_TYPE = 'text/xml; charset=UTF-8';
