/**
 * A list answer split into its items' JSON texts gives exactly what parsing it whole gives.
 */
import { splitListPage } from '../../../src/defender/listPage';

const parsedItems = (text: string) => splitListPage(text)?.items?.map((item) => JSON.parse(item) as unknown);

test('the items and the envelope are those of JSON.parse, whatever the order of the members', () => {
  const body = {
    '@odata.context': 'https://api.security.microsoft.com/api/$metadata#Machines',
    '@odata.nextLink': 'https://api.security.microsoft.com/api/machines?$skip=2',
    value: [
      { id: 'a', tags: ['x', 'y'], nested: { deep: [1, { z: null }] }, n: -1.5e3, ok: true },
      { id: 'b', title: 'quote " bracket ] brace } comma , backslash \\ unicode \u00e9' },
    ],
    '@odata.count': 2,
  };
  const text = JSON.stringify(body, null, 2);
  const page = splitListPage(text)!;
  expect(page.items!.map((item) => JSON.parse(item))).toEqual(body.value);
  expect(page.envelope).toEqual({
    '@odata.context': body['@odata.context'],
    '@odata.nextLink': body['@odata.nextLink'],
    '@odata.count': 2,
  });
});

test('an empty list and a list of scalars and arrays split like any other', () => {
  expect(parsedItems('{"value":[]}')).toEqual([]);
  expect(parsedItems(' { "value" : [ 1 , "two" , [3] , null ] } ')).toEqual([1, 'two', [3], null]);
});

test('an answer without a value array has no items', () => {
  expect(splitListPage('{"error":{"code":"x"}}')).toEqual({ envelope: { error: { code: 'x' } }, items: undefined });
  expect(splitListPage('{"value":{"id":1}}')?.items).toBeUndefined();
});

test('a truncated, trailing or non-object body is not a list answer', () => {
  const whole = JSON.stringify({ value: [{ id: 'a' }, { id: 'b' }] });
  expect(splitListPage(whole.slice(0, whole.length / 2))).toBeUndefined();
  expect(splitListPage(`${whole}<!-- upstream connection reset -->`)).toBeUndefined();
  expect(splitListPage('[1,2]')).toBeUndefined();
  expect(splitListPage('')).toBeUndefined();
  expect(splitListPage('{"value":[1,]}')).toBeUndefined();
});
