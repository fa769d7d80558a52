/**
 * Selective isolation is offered only where Defender supports it: Windows 10 1709+ and Windows 11 (isolate-machine
 * page; docs/service-behaviour.md §9). Everything else, and anything unknown, gets Full only.
 */
import { supportsSelectiveIsolation } from '../../../src/defender/isolation';

const device = (osPlatform: string, version?: string, osBuild?: number) => ({ osPlatform, version, osBuild });

test.each([
  [device('Windows11', '23H2', 22631), true],
  [device('Windows11'), true],
  [device('Windows10', '22H2', 19045), true],
  [device('Windows10', '1709'), true],
  [device('Windows10', '1809'), true],
  [device('Windows10', '20H2'), true],
  [device('Windows10', '1703'), false],
  [device('Windows10', '1607', 14393), false],
  [device('Windows10', 'Other', 16299), true],
  [device('Windows10', 'Other', 15063), false],
  [device('Windows10'), false],
  [device('WindowsServer2022', '21H2', 20348), false],
  [device('WindowsServer2019', '1809', 17763), false],
  [device('Linux', 'Ubuntu 22.04'), false],
  [device('macOS', '14.4'), false],
  [device(''), false],
])('%j supports Selective isolation: %s', (machine, expected) => {
  expect(supportsSelectiveIsolation(machine)).toBe(expected);
});
