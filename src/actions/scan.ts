/**
 * `Run antivirus scan` / `Full scan`: one `runAntiVirusScan` per device at a time, followed until it ends.
 */
import type { CardAction } from '../cards/verbs';
import type { ClickContext } from './clickContext';
import { startFromClick } from './trackedClick';
import type { ClickOutcome } from './types';

/** Handles a scan click. */
export function scan(ctx: ClickContext, data: Extract<CardAction, { verb: 'scan' }>['data']): Promise<ClickOutcome> {
  return startFromClick(ctx, { kind: 'scan', scanType: data.scanType }, data.deviceId);
}
