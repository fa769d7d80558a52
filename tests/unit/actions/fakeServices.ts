/**
 * Services over an in-memory store, a fake Defender, a recording messenger and a clock the test moves: for the
 * action logic without a server.
 */
import pino from 'pino';
import type { AdaptiveCard } from '../../../src/cards';
import { loadConfig } from '../../../src/config';
import type { DefenderClient } from '../../../src/defender/client';
import type { Investigation, Machine, MachineAction, MdeAlert } from '../../../src/defender/models';
import type { Messenger } from '../../../src/messenger';
import type { Services } from '../../../src/services';
import { testMembers } from '../../helpers/members';
import { repositories } from '../../../src/store';
import type { ConversationRecord } from '../../../src/store/conversations';
import type { Person } from '../../../src/store/requests';
import { SqliteRecordStore } from '../../../src/store/sqlite';
import { readable, readableCardText } from '../../helpers/recordingConnector';

export const DEVICE_ID = 'a'.repeat(40);
export const ANN: Person = { id: '6a1f4c2e-1111-4a5b-9c3d-000000000001', name: 'Ann Analyst' };
export const BOB: Person = { id: '6a1f4c2e-2222-4a5b-9c3d-000000000002', name: 'Bob Approver' };
export const CLEO: Person = { id: '6a1f4c2e-4444-4a5b-9c3d-000000000004', name: 'Cleo Checker' };
export const OLLY: Person = { id: '6a1f4c2e-3333-4a5b-9c3d-000000000003', name: 'Olly Outsider' };

export const CONVERSATION: ConversationRecord = {
  id: '19:security@thread.tacv2',
  type: 'channel',
  reference: { conversation: { id: '19:security@thread.tacv2' } },
  installedAt: '2024-05-06T08:00:00.000Z',
};

/** A card update the messenger was asked for. */
export interface CardUpdate {
  conversationId: string;
  activityId: string;
  card: AdaptiveCard;
}

/**
 * A fake Defender: machine actions move through the statuses the test sets; every POST is counted, and what it
 * started shows in the machine action and investigation lists.
 */
export class FakeDefender {
  readonly posts: { call: string; machineId: string; comment: string }[] = [];
  actionStatus = 'Pending';
  investigationState = 'Running';
  /** When set, every POST fails with this error. */
  refuse?: Error;
  /** When set, every POST starts its action and then fails with this error: the answer is lost. */
  loseAnswer?: Error;
  /** The action a POST started shows in the lists only from this lookup on (1 = the first). */
  showsFromLookup = 1;
  /** Lookups in the lists (machine actions and investigations). */
  lookups = 0;
  /** Milliseconds every POST takes. */
  postDelayMs = 0;
  /** What the POSTs started. */
  readonly started: {
    kind: 'machineAction' | 'investigation';
    id: string;
    type: string;
    machineId: string;
    comment: string;
    at: string;
  }[] = [];

  async listMachineActions(): Promise<MachineAction[]> {
    this.lookups++;
    if (this.lookups < this.showsFromLookup) return [];
    return this.started
      .filter((s) => s.kind === 'machineAction')
      .map((s) => ({
        ...this.action(s.id, s.machineId),
        type: s.type,
        requestorComment: s.comment,
        creationDateTimeUtc: s.at,
      }));
  }
  async listInvestigations(): Promise<Investigation[]> {
    this.lookups++;
    if (this.lookups < this.showsFromLookup) return [];
    return this.started
      .filter((s) => s.kind === 'investigation')
      .map(
        (s) =>
          ({
            id: s.id,
            startTime: s.at,
            state: this.investigationState,
            machineId: s.machineId,
            computerDnsName: 'pc-01.contoso.local',
          }) as Investigation,
      );
  }

  async getMachine(id: string): Promise<Machine> {
    return {
      id,
      computerDnsName: 'pc-01.contoso.local',
      osPlatform: 'Windows11',
      healthStatus: 'Active',
      riskScore: 'High',
      machineTags: [],
    } as unknown as Machine;
  }
  async listMachineAlerts(): Promise<MdeAlert[]> {
    return [];
  }
  async runAntiVirusScan(machineId: string, comment: string): Promise<MachineAction> {
    return this.post('runAntiVirusScan', machineId, comment);
  }
  async isolate(machineId: string, comment: string): Promise<MachineAction> {
    return this.post('isolate', machineId, comment);
  }
  async unisolate(machineId: string, comment: string): Promise<MachineAction> {
    return this.post('unisolate', machineId, comment);
  }
  async startInvestigation(machineId: string, comment: string): Promise<Investigation> {
    this.posts.push({ call: 'startInvestigation', machineId, comment });
    if (this.postDelayMs) await new Promise((r) => setTimeout(r, this.postDelayMs));
    if (this.refuse) throw this.refuse;
    const at = new Date().toISOString();
    this.started.push({ kind: 'investigation', id: '17', type: 'Investigation', machineId, comment, at });
    if (this.loseAnswer) throw this.loseAnswer;
    return {
      id: '17',
      startTime: new Date().toISOString(),
      state: 'Running',
      machineId,
      computerDnsName: 'pc-01.contoso.local',
    } as Investigation;
  }
  async getMachineAction(id: string): Promise<MachineAction> {
    return this.action(id, DEVICE_ID);
  }
  async getInvestigation(id: string): Promise<Investigation> {
    return {
      id,
      startTime: new Date().toISOString(),
      state: this.investigationState,
      machineId: DEVICE_ID,
      computerDnsName: 'pc-01.contoso.local',
    } as Investigation;
  }

  private async post(call: string, machineId: string, comment: string): Promise<MachineAction> {
    this.posts.push({ call, machineId, comment });
    if (this.postDelayMs) await new Promise((r) => setTimeout(r, this.postDelayMs));
    if (this.refuse) throw this.refuse;
    const id = `0000000${this.posts.length}-1111-4222-8333-444444444444`;
    const type = { runAntiVirusScan: 'RunAntiVirusScan', isolate: 'Isolate', unisolate: 'Unisolate' }[call] ?? call;
    this.started.push({ kind: 'machineAction', id, type, machineId, comment, at: new Date().toISOString() });
    if (this.loseAnswer) throw this.loseAnswer;
    return this.action(id, machineId);
  }

  private action(id: string, machineId: string): MachineAction {
    return {
      id,
      type: 'RunAntiVirusScan',
      status: this.actionStatus,
      requestor: 'app',
      requestorComment: '',
      machineId,
      computerDnsName: 'pc-01.contoso.local',
      creationDateTimeUtc: new Date().toISOString(),
      lastUpdateDateTimeUtc: new Date().toISOString(),
    } as MachineAction;
  }
}

/** Services for one test, with the fakes to look at. */
export function fakeServices(env: Record<string, string> = {}) {
  const clock = { now: new Date('2024-05-06T08:00:00.000Z') };
  const defender = new FakeDefender();
  const updates: CardUpdate[] = [];
  const messenger: Messenger = {
    async post() {
      return 'posted-1';
    },
    async update(conversationId, activityId, card) {
      updates.push({ conversationId, activityId, card });
    },
  };
  const config = loadConfig({
    DEFENDER_SOURCE: 'simulated',
    SECURITY_OPERATORS: [ANN.id, BOB.id, CLEO.id].join(','),
    SECURITY_APPROVERS: [BOB.id, CLEO.id].join(','),
    TRACKER_POLL_SECONDS: '1',
    ...env,
  });
  const stores = repositories(new SqliteRecordStore(':memory:'));
  const services: Services = {
    config,
    log: pino({ level: 'silent' }),
    defender: defender as unknown as DefenderClient,
    stores,
    messenger,
    members: testMembers(config),
    now: () => clock.now,
    instanceId: 'test',
  };
  return { services, defender, updates, clock, stores };
}

/** Every TextBlock text, fact and button title of a card. */
export function textOf(card: unknown): string {
  return readableCardText(card);
}

/** The value of the `Status` fact of an action card. */
export function statusFact(card: unknown): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.title === 'Status' && typeof o.value === 'string') found ??= o.value;
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return found === undefined ? undefined : readable(found);
}
