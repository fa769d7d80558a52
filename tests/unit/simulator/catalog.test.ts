/**
 * The simulated business's catalogue is data (src/simulator/catalog/*.json) checked against a schema when the
 * simulator loads: the shipped files pass, and a file that breaks the shape or a rule between its parts is refused,
 * naming the field.
 */
import alertsJson from '../../../src/simulator/catalog/alerts.json';
import estateJson from '../../../src/simulator/catalog/estate.json';
import postureJson from '../../../src/simulator/catalog/posture.json';
import { ALERT_TEMPLATES, OS, templateIndex, USERS } from '../../../src/simulator/catalog';
import { alertCatalogue, estateCatalogue, postureCatalogue } from '../../../src/simulator/catalog/schema';

/** A deep copy of a catalogue file, changed by `change`. */
function edited<T>(file: T, change: (copy: any) => void): unknown {
  const copy = structuredClone(file);
  change(copy);
  return copy;
}

/** The refusal of `data` by `schema`, as `path: message` lines. */
function refusals(schema: { safeParse(data: unknown): any }, data: unknown): string[] {
  const result = schema.safeParse(data);
  return result.success ? [] : result.error.issues.map((i: any) => `${i.path.join('.')}: ${i.message}`);
}

test('the shipped catalogue passes its schemas and is what the simulator reads', () => {
  expect(refusals(alertCatalogue, alertsJson)).toEqual([]);
  expect(refusals(estateCatalogue, estateJson)).toEqual([]);
  expect(refusals(postureCatalogue, postureJson)).toEqual([]);
  expect(ALERT_TEMPLATES.map((t) => t.title)).toEqual(alertsJson.templates.map((t) => t.title));
  expect(templateIndex(ALERT_TEMPLATES[3].title)).toBe(3);
  expect(() => templateIndex('no such detection')).toThrow('no alert template titled no such detection');
  expect(OS.macOS).toMatchObject({ platform: 'macOS', canScan: false, canIsolate: true });
  expect(USERS[0]).toEqual({ name: 'Alex Wilber', upn: 'alex.wilber@contoso.com' });
});

test.each([
  [
    'a template with a severity Graph does not have',
    alertCatalogue,
    edited(alertsJson, (c) => (c.templates[0].severity = 'critical')),
    /^templates\.0\.severity: Invalid enum value/,
  ],
  [
    'two templates with one title',
    alertCatalogue,
    edited(alertsJson, (c) => (c.templates[1].title = c.templates[0].title)),
    /^templates: template titles must be unique$/,
  ],
  [
    'a field the simulator does not know',
    alertCatalogue,
    edited(alertsJson, (c) => (c.templates[2].severityLevel = 'high')),
    /^templates\.2: Unrecognized key/,
  ],
  [
    'an analyst who is not one of the users',
    estateCatalogue,
    edited(estateJson, (c) => c.analysts.push('mallory@contoso.com')),
    /^analysts: every analyst is one of the users$/,
  ],
  [
    'an operating system missing from the table the seed names',
    estateCatalogue,
    edited(estateJson, (c) => delete c.operatingSystems.macOS),
    /^operatingSystems\.macOS: Required$/,
  ],
  [
    'an operating system filed under another platform',
    estateCatalogue,
    edited(estateJson, (c) => (c.operatingSystems.iOS.platform = 'Android')),
    /^operatingSystems: each operating system is keyed by its platform$/,
  ],
  [
    'a Secure Score trend of an unknown kind',
    postureCatalogue,
    edited(postureJson, (c) => (c.controlProfiles[0].trend = { kind: 'sometimes' })),
    /^controlProfiles\.0\.trend\.kind: Invalid discriminator value/,
  ],
  [
    'a remediation task naming no recommendation',
    postureCatalogue,
    edited(postureJson, (c) => (c.remediationTasks[0].recommendationId = 'va-_-nobody-_-nothing')),
    /^remediationTasks: every remediation task names one of the recommendations$/,
  ],
  [
    'an exposed share above 1',
    postureCatalogue,
    edited(postureJson, (c) => (c.recommendations[0].exposedShare = 1.5)),
    /^recommendations\.0\.exposedShare: Number must be less than or equal to 1$/,
  ],
])('refuses %s, naming the field', (_, schema, data, refusal) => {
  expect(refusals(schema, data)).toEqual([expect.stringMatching(refusal)]);
});
