/**
 * `Start investigation`: one automated investigation per device at a time, followed until it ends.
 */
import type { CardAction } from '../cards/verbs';
import type { ClickContext } from './clickContext';
import { startFromClick } from './trackedClick';
import type { ClickOutcome } from './types';

/** Handles an investigation click. */
export function investigate(
  ctx: ClickContext,
  data: Extract<CardAction, { verb: 'investigate' }>['data'],
): Promise<ClickOutcome> {
  return startFromClick(ctx, { kind: 'investigation' }, data.deviceId);
}
