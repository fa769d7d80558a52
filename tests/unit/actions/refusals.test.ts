/**
 * Defender's refusals in words an analyst can act on (issue 3, item 7).
 */
import { DefenderApiError, DefenderNetworkError } from '../../../src/defender/errors';
import { defenderRefusal, lostAnswerUnconfirmed, operationNoun } from '../../../src/actions/refusals';

const DEVICE = 'pc-01.contoso.local';
const scanPath = `/api/machines/${'a'.repeat(40)}/runAntiVirusScan`;

function refused(init: Partial<ConstructorParameters<typeof DefenderApiError>[0]>, path = scanPath): DefenderApiError {
  return new DefenderApiError({ api: 'defender', method: 'POST', path, ...init });
}

describe('Defender refusals made readable', () => {
  it('ActiveRequestAlreadyExists on a scan says "a scan is already running on <device>"', () => {
    const error = refused({
      status: 400,
      code: 'ActiveRequestAlreadyExists',
      serverMessage: 'Action is already in progress',
    });
    expect(defenderRefusal(error, { kind: 'scan', scanType: 'Quick' }, DEVICE)).toBe(
      `a scan is already running on ${DEVICE}`,
    );
  });

  it('an "already in progress" message without the code is read the same way', () => {
    const error = refused({ status: 400, serverMessage: 'Action is already in progress' });
    expect(defenderRefusal(error, { kind: 'investigation' }, DEVICE)).toBe(
      `an investigation is already running on ${DEVICE}`,
    );
  });

  it('an isolation of an isolated device says it is already isolated', () => {
    const error = refused({
      status: 400,
      code: 'ActiveRequestAlreadyExists',
      serverMessage: 'Machine x is already isolated',
    });
    expect(defenderRefusal(error, { kind: 'isolate', isolationType: 'Full' }, DEVICE)).toBe(
      `${DEVICE} is already isolated`,
    );
  });

  it('an unsupported operating system is named as such', () => {
    const error = refused({
      status: 400,
      code: 'OsPlatformNotSupported',
      serverMessage: "OS Platform iOS isn't supported",
    });
    expect(defenderRefusal(error, { kind: 'scan', scanType: 'Full' }, DEVICE)).toBe(
      `the operating system of ${DEVICE} does not support antivirus scans`,
    );
  });

  it("a DisallowedOperation shows Defender's own reason, whatever it is, not a missing permission", () => {
    const offboarded = refused({
      status: 403,
      code: 'DisallowedOperation',
      serverMessage: 'RunAntiVirusScan is not allowed on machine x: the machine is offboarded.',
    });
    expect(defenderRefusal(offboarded, { kind: 'scan', scanType: 'Quick' }, DEVICE)).toBe(
      `not allowed on ${DEVICE} (RunAntiVirusScan is not allowed on machine x: the machine is offboarded)`,
    );
    const other = refused({ status: 403, code: 'DisallowedOperation', serverMessage: 'Device is a domain controller' });
    expect(defenderRefusal(other, { kind: 'isolate', isolationType: 'Full' }, DEVICE)).toBe(
      `not allowed on ${DEVICE} (Device is a domain controller)`,
    );
    expect(
      defenderRefusal(refused({ status: 403, code: 'DisallowedOperation' }), { kind: 'investigation' }, DEVICE),
    ).toBe(`not allowed on ${DEVICE}`);
  });

  it('"already in progress" is known by the 400 and the message, with or without a code', () => {
    for (const code of ['BadRequest', undefined, 'ActiveRequestAlreadyExists']) {
      const error = refused({ status: 400, code, serverMessage: 'Action is already in progress' });
      expect(defenderRefusal(error, { kind: 'scan', scanType: 'Quick' }, DEVICE)).toBe(
        `a scan is already running on ${DEVICE}`,
      );
    }
  });

  it('a lost answer Defender shows no action for is not confirmed, and never called a refusal', () => {
    const lost = new DefenderNetworkError({
      api: 'defender',
      method: 'POST',
      path: '/x',
      kind: 'network',
      causeCode: 'ECONNRESET',
    });
    const text = lostAnswerUnconfirmed(lost, { kind: 'isolate', isolationType: 'Full' }, DEVICE);
    expect(text).toBe(
      "Defender's answer to the full isolation was lost (the connection was cut before the answer came), and Defender " +
        `shows no full isolation requested by Watchstander on ${DEVICE}; it may not have started. Check the device's ` +
        'action history in the Microsoft Defender portal before trying again',
    );
    expect(text).not.toMatch(/refus/i);
    const late = new DefenderNetworkError({
      api: 'defender',
      method: 'POST',
      path: '/x',
      kind: 'timeout',
      timeoutMs: 30_000,
    });
    expect(lostAnswerUnconfirmed(late, { kind: 'investigation' }, DEVICE, new Error('down'))).toMatch(
      /no answer came in time\), and the device's action list could not be read/,
    );
  });

  it('a 403 names the missing application permission', () => {
    const error = refused({ status: 403, code: 'Forbidden', serverMessage: 'Missing application roles' });
    const text = defenderRefusal(error, { kind: 'scan', scanType: 'Quick' }, DEVICE);
    expect(text).toContain('Machine.Scan');
    expect(text).toContain('admin consent');
    const isolate = refused({ status: 403, code: 'Forbidden' }, `/api/machines/${'a'.repeat(40)}/isolate`);
    expect(defenderRefusal(isolate, { kind: 'isolate', isolationType: 'Full' }, DEVICE)).toContain('Machine.Isolate');
  });

  it('the 50-per-hour investigation limit says so, with when to try again', () => {
    const error = refused(
      { status: 429, code: 'TooManyRequests', retryAfterSeconds: 1800 },
      `/api/machines/${'a'.repeat(40)}/startInvestigation`,
    );
    expect(defenderRefusal(error, { kind: 'investigation' }, DEVICE)).toBe(
      'Defender allows 50 automated investigations per hour and that limit is reached; try again in 30 min',
    );
  });

  it('anything else falls back to the client’s readable message, never a stack trace', () => {
    const error = refused({ status: 500, code: 'InternalServerError' });
    expect(defenderRefusal(error, { kind: 'scan', scanType: 'Quick' }, DEVICE)).toMatch(
      /^Defender for Endpoint could not/,
    );
    expect(defenderRefusal(new TypeError('x is undefined'), { kind: 'scan', scanType: 'Quick' }, DEVICE)).toBe(
      'an unexpected error occurred (details in the bot log)',
    );
  });

  it('names operations the way the cards do', () => {
    expect(operationNoun({ kind: 'scan', scanType: 'Full' })).toBe('full antivirus scan');
    expect(operationNoun({ kind: 'release' })).toBe('release from isolation');
  });
});
