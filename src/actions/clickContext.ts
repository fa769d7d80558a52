/**
 * What every card verb handler is given, and the shapes of its answer.
 */
import type { AdaptiveCard } from '../cards';
import type { Services } from '../services';
import type { DeviceNames } from './deviceNames';
import type { ActionTracker } from './tracker';
import type { Click, ClickOutcome } from './types';

/** One click being handled. */
export interface ClickContext {
  services: Services;
  tracker: ActionTracker;
  names: DeviceNames;
  click: Click;
  /** Epoch ms by which the handler answers; slower Defender calls finish in the background. */
  deadline: number;
}

/** Longest a click waits for a device's name (for its card and the audit log) before it goes on with the id. */
const NAME_WAIT_MS = 1000;

/** The device as a click names it: its name when Defender gives it quickly, else its id. */
export async function clickedDevice(ctx: ClickContext, deviceId: string): Promise<{ id: string; name: string }> {
  const name = await ctx.names.lookupBy(deviceId, Math.min(ctx.deadline, Date.now() + NAME_WAIT_MS));
  return { id: deviceId, name: name ?? deviceId };
}

/** The card replaces the clicked one for everyone. */
export function replaceForAll(card: AdaptiveCard): ClickOutcome {
  return { kind: 'replaceForAll', card };
}

/** Only the clicker sees the card; nothing changes for the others. */
export function clickerOnly(card: AdaptiveCard): ClickOutcome {
  return { kind: 'clickerOnly', card };
}
