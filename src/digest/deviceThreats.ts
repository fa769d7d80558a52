/**
 * Devices with active threats for the daily digest, in memory that does not grow with the fleet: the card lists the
 * riskiest few and counts the rest, so only those few are kept as rows.
 */
import type { DeviceView } from '../cards';
import { DAILY_DEVICE_ROWS } from '../cards/digestDaily';
import type { DefenderApi } from '../defender/api';
import { threatenedDevices } from '../views/devices';
import type { ListRead } from '../views/sections';

/**
 * The entry that stands for every threatened device beyond the listed ones: counted by the card ("and N more"),
 * never shown, because it sorts after any real one (no alert, no known risk score) and the card lists at most
 * `DAILY_DEVICE_ROWS` rows.
 */
export const COUNTED_DEVICE: DeviceView = Object.freeze({
  id: '',
  name: '',
  osPlatform: '',
  riskScore: '',
  healthStatus: '',
  activeAlertCount: 0,
  topAlertTitles: [],
  isolated: false,
}) as DeviceView;

/**
 * Devices with active (not resolved) alerts or a high risk score, riskiest first: the first `rows` as full rows,
 * every other one as `COUNTED_DEVICE`, so the card can say how many more there are; `incomplete` when Defender's
 * lists could not be read whole.
 */
export async function deviceThreats(defender: DefenderApi, rows = DAILY_DEVICE_ROWS): Promise<ListRead<DeviceView[]>> {
  const { devices, total, incomplete, failure } = await threatenedDevices(defender, rows);
  const items = [...devices, ...new Array<DeviceView>(total - devices.length).fill(COUNTED_DEVICE)];
  return incomplete === undefined ? { items } : { items, incomplete, failure };
}
