/**
 * The catch-up sweep: a digest missed while the bot was down is posted once at start; a schedule changed while the
 * bot runs waits for its next slot.
 */
import { DigestScheduler } from '../../../src/digest/scheduler';
import { quietTenant, recordingMessenger, testClock, testServices } from './fixtures';

const CHANNEL = '19:channel@thread.tacv2';

function setup(clockIso: string) {
  const clock = testClock(clockIso);
  const messenger = recordingMessenger();
  const services = testServices({
    defender: quietTenant(),
    messenger,
    clock,
    env: { DIGEST_DAILY_CRON: '0 8 * * *', DIGEST_CATCHUP_SECONDS: '1' },
  });
  return { clock, messenger, services, scheduler: new DigestScheduler(services) };
}

test('a digest missed while the bot was down (three slots) is posted once, at start', async () => {
  const { messenger, services, scheduler } = setup('2025-06-04T10:00:00.000Z');
  await services.stores.subscriptions.subscribe(CHANNEL, 'daily', undefined, new Date('2025-06-01T00:00:00Z'));
  await scheduler.start();
  await new Promise((r) => setTimeout(r, 1_500)); // the start sweep, and one more
  await scheduler.stop();
  expect(messenger.posts).toHaveLength(1);
  expect(await services.stores.subscriptions.get(CHANNEL, 'daily')).toMatchObject({
    lastSlot: '2025-06-04T08:00:00.000Z',
    watermark: '2025-06-04T10:00:00.000Z',
  });
});

test('a subscription whose time of day changes while the bot runs waits for its next slot, no digest now', async () => {
  const { clock, messenger, services, scheduler } = setup('2025-06-04T07:00:00.000Z');
  await services.stores.subscriptions.subscribe(CHANNEL, 'daily', undefined, new Date('2025-06-01T00:00:00Z'));
  await services.stores.subscriptions.markPosted(CHANNEL, 'daily', {
    watermark: '2025-06-03T08:00:00.000Z',
    slot: '2025-06-03T08:00:00.000Z',
    at: '2025-06-03T08:00:00.000Z',
  });
  await scheduler.start();
  // At 10:00 the channel says "subscribe daily at 09:00": today's 09:00 has passed, the next one is tomorrow.
  clock.set('2025-06-04T10:00:00.000Z');
  await services.stores.subscriptions.subscribe(CHANNEL, 'daily', '09:00', clock.now());
  await scheduler.subscriptionsChanged();
  await new Promise((r) => setTimeout(r, 1_500));
  await scheduler.stop();
  expect(messenger.posts).toHaveLength(0);
});
