import { Command, InvalidArgumentError } from 'commander';
import { getCompany } from '../../companies/companies.service.js';
import { showFeed } from '../../feeds/feed-details.js';
import { listFeeds } from '../../feeds/feeds.repository.js';
import { keyValues, printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { withApp } from '../session.js';

const FEED_COLUMNS = [
  'id',
  'kind',
  'state',
  'messageCount',
  'amazonFeedId',
  'amazonStatus',
  'createdAt',
  'error',
];

function parseKind(value: string): string {
  if (!/^[a-z]+(-[a-z]+)*$/.test(value))
    throw new InvalidArgumentError('expected a feed kind, e.g. order-fulfillment.');
  return value;
}

/** `sellersync feeds list | show`: what was sent to Amazon as feeds, and Amazon's answer per message. */
export function feedsCommand(): Command {
  const feeds = new Command('feeds').description('feeds sent to Amazon and its result for each message');
  feeds
    .command('list')
    .description('feeds of a company, newest first')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--kind <kind>', 'only this kind, e.g. order-fulfillment, order-acknowledgement', parseKind)
    .option('--limit <n>', 'how many feeds', parseId, 50)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; kind?: string; limit: number; json?: boolean }) => {
      const listed = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return listFeeds(app.db, flags.company, {
          ...(flags.kind ? { kind: flags.kind } : {}),
          newestFirst: true,
          limit: flags.limit,
        });
      });
      printResult(flags.json ?? false, listed, () =>
        table(listed as unknown as Record<string, unknown>[], FEED_COLUMNS),
      );
    });
  feeds
    .command('show')
    .description("one feed with Amazon's result for each of its messages")
    .argument('<feed-id>', 'feed id (feeds list)', parseId)
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (feedId: number, flags: { company: number; json?: boolean }) => {
      const feed = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return showFeed(app.db, flags.company, feedId);
      });
      printResult(flags.json ?? false, feed, () => {
        const { messages, summary, ...rest } = feed;
        return [
          keyValues({ ...rest, summary: summary ? JSON.stringify(summary) : '' }),
          '',
          'messages:',
          table(messages as unknown as Record<string, unknown>[], [
            'messageId',
            'entityKind',
            'entityId',
            'result',
            'resultCode',
            'resultDescription',
          ]),
        ].join('\n');
      });
    });
  return feeds;
}
