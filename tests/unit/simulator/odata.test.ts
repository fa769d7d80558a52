import {
  ODataError,
  compileFilter,
  compileOrderBy,
  parseFilter,
  parseIsoDate,
  type EntitySchema,
} from '../../../src/simulator/odata';

const schema: EntitySchema = {
  typeName: 'test.machine',
  fields: {
    name: 'string',
    riskScore: { enum: ['None', 'Informational', 'Low', 'Medium', 'High'], ordered: true },
    healthStatus: { enum: ['Active', 'Inactive'] },
    lastSeen: 'date',
    rbacGroupId: 'number',
    isAadJoined: 'boolean',
    avIsSignatureUpToDate: 'boolean',
    machineTags: 'strings',
    assignedTo: 'string',
  },
};

/** A row with defaults, so each case names only what it is about. */
function row(fields: Record<string, unknown>): Record<string, unknown> {
  const defaults = { rbacGroupId: 2, isAadJoined: false, avIsSignatureUpToDate: 'True', assignedTo: null };
  return { machineTags: [], ...defaults, ...fields };
}

const rows = [
  row({
    name: 'FIN-LT-014',
    riskScore: 'High',
    healthStatus: 'Active',
    lastSeen: '2024-03-02T10:00:00.0000000Z',
    rbacGroupId: 1,
    isAadJoined: true,
    machineTags: ['VIP', 'Finance'],
  }),
  row({
    name: "O'Brien-PC",
    riskScore: 'Low',
    healthStatus: 'Inactive',
    lastSeen: '2023-12-31T23:59:59Z',
    avIsSignatureUpToDate: 'False',
    assignedTo: 'alex@contoso.com',
  }),
  row({ name: 'SRV-DC01', riskScore: 'None', healthStatus: 'Active', lastSeen: null, machineTags: ['Tier0'] }),
];

function names(filter: string): string[] {
  const p = compileFilter(filter, schema);
  return rows.filter(p).map((r) => String(r.name));
}

function refusal(filter: string): string {
  try {
    compileFilter(filter, schema);
  } catch (error) {
    expect(error).toBeInstanceOf(ODataError);
    return (error as Error).message;
  }
  throw new Error(`expected ${filter} to be refused`);
}

describe('OData $filter', () => {
  it('compares strings case-insensitively with eq and ne', () => {
    expect(names("name eq 'fin-lt-014'")).toEqual(['FIN-LT-014']);
    expect(names("healthStatus ne 'active'")).toEqual(["O'Brien-PC"]);
  });

  it("reads '' inside a string literal as one quote", () => {
    expect(names("name eq 'O''Brien-PC'")).toEqual(["O'Brien-PC"]);
  });

  it('combines and, or, not and parentheses with the usual precedence', () => {
    const mixed = "healthStatus eq 'Active' and riskScore eq 'High' or name eq 'SRV-DC01'";
    expect(names(mixed)).toEqual(['FIN-LT-014', 'SRV-DC01']);
    expect(names("healthStatus eq 'Active' and (riskScore eq 'Low' or name eq 'SRV-DC01')")).toEqual(['SRV-DC01']);
    expect(names("not (healthStatus eq 'Active')")).toEqual(["O'Brien-PC"]);
    expect(names("not healthStatus eq 'Active' and rbacGroupId eq 2")).toEqual(["O'Brien-PC"]);
  });

  it('orders enum members by their declared order for gt/ge/lt/le', () => {
    expect(names("riskScore ge 'Low'")).toEqual(['FIN-LT-014', "O'Brien-PC"]);
    expect(names("riskScore lt 'Low'")).toEqual(['SRV-DC01']);
  });

  it('supports in with a list of literals', () => {
    expect(names("riskScore in ('High', 'None')")).toEqual(['FIN-LT-014', 'SRV-DC01']);
  });

  it('compares numbers, booleans and null', () => {
    expect(names('rbacGroupId eq 2')).toEqual(["O'Brien-PC", 'SRV-DC01']);
    expect(names('rbacGroupId gt 1 and isAadJoined eq false')).toEqual(["O'Brien-PC", 'SRV-DC01']);
    expect(names('isAadJoined')).toEqual(['FIN-LT-014']);
    expect(names('assignedTo eq null')).toEqual(['FIN-LT-014', 'SRV-DC01']);
    expect(names('assignedTo ne null')).toEqual(["O'Brien-PC"]);
    expect(names('lastSeen eq null')).toEqual(['SRV-DC01']);
  });

  it('reads "True"/"False" strings as booleans, from rows and literals alike', () => {
    expect(names('avIsSignatureUpToDate eq false')).toEqual(["O'Brien-PC"]);
    expect(names("avIsSignatureUpToDate eq 'False'")).toEqual(["O'Brien-PC"]);
  });

  it('accepts unquoted and quoted dates, with or without time and zone', () => {
    expect(names('lastSeen gt 2024-01-01Z')).toEqual(['FIN-LT-014']);
    expect(names('lastSeen gt 2024-01-01')).toEqual(['FIN-LT-014']);
    expect(names('lastSeen ge 2024-03-02T10:00:00.000Z')).toEqual(['FIN-LT-014']);
    expect(names('lastSeen gt 2024-03-02T10:00:00.000Z')).toEqual([]);
    expect(names("lastSeen lt '2024-01-01T00:00:00Z'")).toEqual(["O'Brien-PC"]);
    expect(names('lastSeen lt 2024-01-01T01:00:00+01:00')).toEqual(["O'Brien-PC"]);
    expect(names("lastSeen gt datetime'2024-01-01T00:00:00Z'")).toEqual(['FIN-LT-014']);
  });

  it('supports startswith, endswith, contains, tolower and any/all on collections', () => {
    expect(names("startswith(name, 'srv-')")).toEqual(['SRV-DC01']);
    expect(names("endswith(name,'014')")).toEqual(['FIN-LT-014']);
    expect(names("contains(name, 'brien')")).toEqual(["O'Brien-PC"]);
    expect(names("tolower(name) eq 'srv-dc01'")).toEqual(['SRV-DC01']);
    expect(names("machineTags/any(t: t eq 'vip')")).toEqual(['FIN-LT-014']);
    expect(names('machineTags/any()')).toEqual(['FIN-LT-014', 'SRV-DC01']);
    expect(names("machineTags/all(t: t ne 'Tier0')")).toEqual(['FIN-LT-014', "O'Brien-PC"]);
  });

  it('refuses unknown fields, type mismatches, unknown enum members and bad syntax', () => {
    expect(refusal("displayName eq 'x'")).toMatch(/Could not find a property named 'displayName'/);
    expect(refusal('name eq 5')).toMatch(/incompatible types/);
    expect(refusal("lastSeen gt 'yesterday'")).toMatch(/incompatible types/);
    expect(refusal("riskScore eq 'Critical'")).toMatch(/not a valid enumeration/);
    expect(refusal("healthStatus gt 'Active'")).toMatch(/not supported on the enumeration/);
    expect(refusal("name eq 'unterminated")).toMatch(/Syntax error/);
    expect(refusal('name eq')).toMatch(/Syntax error at position 7/);
    expect(refusal("name EQ 'x'")).toMatch(/Syntax error/);
    expect(refusal("name eq 'a' and")).toMatch(/Syntax error/);
    expect(refusal("substringof('a', name)")).toMatch(/unknown function/);
    expect(refusal("machineTags eq 'VIP'")).toMatch(/any\(\) or all\(\)/);
    expect(refusal('name')).toMatch(/not a boolean expression/);
    expect(refusal('')).toMatch(/empty/);
  });

  it('parses to a tree a client could inspect', () => {
    expect(parseFilter("a eq 'x' or not b")).toEqual({
      type: 'or',
      left: {
        type: 'compare',
        op: 'eq',
        left: { type: 'field', name: 'a' },
        right: { type: 'literal', literal: { kind: 'string', value: 'x' } },
      },
      right: { type: 'not', operand: { type: 'field', name: 'b' } },
    });
  });
});

describe('OData $orderby', () => {
  it('sorts by several keys, enums by member order, nulls first ascending', () => {
    const byRisk = compileOrderBy('riskScore desc, name', schema);
    expect([...rows].sort(byRisk).map((r) => r.name)).toEqual(['FIN-LT-014', "O'Brien-PC", 'SRV-DC01']);
    const bySeen = compileOrderBy('lastSeen asc', schema);
    expect([...rows].sort(bySeen).map((r) => r.name)).toEqual(['SRV-DC01', "O'Brien-PC", 'FIN-LT-014']);
    expect(() => compileOrderBy('nope', schema)).toThrow(ODataError);
  });
});

describe('parseIsoDate', () => {
  it('reads the date forms the services write and accept', () => {
    expect(parseIsoDate('2024-01-01Z')).toBe(Date.UTC(2024, 0, 1));
    expect(parseIsoDate('2024-01-01T08:00:00.1234567Z')).toBe(Date.UTC(2024, 0, 1, 8, 0, 0, 123));
    expect(parseIsoDate('2024-01-01T08:00')).toBe(Date.UTC(2024, 0, 1, 8));
    expect(parseIsoDate('2024-13-01')).toBeUndefined();
    expect(parseIsoDate('yesterday')).toBeUndefined();
  });
});
