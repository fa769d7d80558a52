/**
 * Which isolation a device supports (isolate-machine page, docs/service-behaviour.md §9): Full on every managed device
 * that can be isolated; Selective only on Windows 10 version 1709 or later and on Windows 11.
 */
import type { Machine } from './models';

/** Windows 10 version 1709 is build 16299. */
const WINDOWS_10_1709_BUILD = 16299;

/**
 * True when Defender supports Selective isolation on the device: Windows 11, or Windows 10 from version 1709 (by its
 * build when Defender gives one, else by its version). Unknown is no: Full isolation is always offered.
 */
export function supportsSelectiveIsolation(machine: Pick<Machine, 'osPlatform' | 'version' | 'osBuild'>): boolean {
  const platform = machine.osPlatform.toLowerCase();
  if (platform.startsWith('windows11')) return true;
  if (!platform.startsWith('windows10')) return false;
  if (machine.osBuild !== undefined) return machine.osBuild >= WINDOWS_10_1709_BUILD;
  const version = (machine.version ?? '').trim();
  if (/^\d{4}$/.test(version)) return Number(version) >= 1709;
  // "20H2", "21H2", "22H2": the half-year names came after 1709.
  return /^\d{2}H[12]$/i.test(version);
}
