/**
 * Opens the configured store and gives the domain repositories on top of it.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { StoreConfig } from '../config';
import { AuditLog } from './audit';
import { Claims } from './claims';
import { Conversations } from './conversations';
import { PostedCards } from './postedCards';
import type { RecordStore } from './records';
import { RemediationRequests } from './requests';
import { Sightings } from './sightings';
import { ScoreSnapshots } from './snapshots';
import { Subscriptions } from './subscriptions';
import { Trackers } from './trackers';

/** Every repository the bot uses, over one record store. */
export interface Stores {
  records: RecordStore;
  conversations: Conversations;
  subscriptions: Subscriptions;
  snapshots: ScoreSnapshots;
  requests: RemediationRequests;
  trackers: Trackers;
  audit: AuditLog;
  /** Fire claims of scheduled digests (one instance posts each). */
  fires: Claims;
  /** Click intents (one Defender action per intent). */
  intents: Claims;
  /** What scheduled digest collections saw of incidents and alerts that may still arrive late. */
  sightings: Sightings;
  /** Posted cards with incident rows, so a triage click can change one row for everyone. */
  cards: PostedCards;
}

/** Builds the repositories over a record store. */
export function repositories(records: RecordStore): Stores {
  return {
    records,
    conversations: new Conversations(records),
    subscriptions: new Subscriptions(records),
    snapshots: new ScoreSnapshots(records),
    requests: new RemediationRequests(records),
    trackers: new Trackers(records),
    audit: new AuditLog(records),
    fires: new Claims(records, 'claims'),
    intents: new Claims(records, 'intents'),
    sightings: new Sightings(records),
    cards: new PostedCards(records),
  };
}

/** Opens the store the configuration names; an account URL authenticates with `credential` (managed identity). */
export async function openStore(config: StoreConfig, credential?: TokenCredential): Promise<Stores> {
  // Each backend is loaded only when chosen: the SQLite one is a native module an Azure deployment does not need.
  if (config.kind === 'sqlite') {
    const { SqliteRecordStore } = await import('./sqlite');
    return repositories(new SqliteRecordStore(config.path));
  }
  const { AzureRecordStore } = await import('./azure');
  return repositories(await AzureRecordStore.open(config, credential));
}
