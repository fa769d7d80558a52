/**
 * Helpers of the digest end-to-end tests: the digests a recording connector received, their text and facts, and
 * a look into the bot's SQLite store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRecordStore } from '../../src/store/sqlite';
import { repositories, type Stores } from '../../src/store';
import { CHANNEL_ID } from './activities';
import { readableCardText, type ConnectorCall, type RecordingConnector } from './recordingConnector';

/** The three digest card titles. */
export const DIGEST_TITLES = {
  daily: 'Daily security digest',
  weekly: 'Weekly security digest',
  monthly: 'Monthly security digest',
} as const;

/** Card text without the zero-width characters and backslashes escaping inserts. */
export function plain(card: unknown): string {
  return readableCardText(card);
}

/** A digest the connector received. */
export interface PostedDigest {
  kind: keyof typeof DIGEST_TITLES;
  card: any;
  text: string;
  activityId: string;
  call: ConnectorCall;
}

/** Digests posted as new posts (not replies) in the channel, oldest first, optionally of one kind. */
export function postedDigests(connector: RecordingConnector, kind?: keyof typeof DIGEST_TITLES): PostedDigest[] {
  return connector
    .cards(CHANNEL_ID)
    .filter((c) => c.call.conversationId === CHANNEL_ID)
    .map(({ card, activityId, call }) => {
      const text = plain(card);
      const found = (Object.keys(DIGEST_TITLES) as (keyof typeof DIGEST_TITLES)[]).find((k) =>
        text.includes(DIGEST_TITLES[k]),
      );
      return found ? { kind: found, card, text, activityId, call } : undefined;
    })
    .filter((d): d is PostedDigest => d !== undefined && (!kind || d.kind === kind));
}

/** Waits for the `n`-th digest of a kind (1-based) and returns it. */
export async function waitForDigest(
  connector: RecordingConnector,
  kind: keyof typeof DIGEST_TITLES,
  n: number,
  timeoutMs: number,
): Promise<PostedDigest> {
  await connector.waitFor(() => postedDigests(connector, kind).length >= n, timeoutMs, `${kind} digest #${n}`);
  return postedDigests(connector, kind)[n - 1];
}

/** The facts of a card, in order, as [title, value]. */
export function factsOf(card: unknown): [string, string][] {
  const out: [string, string][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, any>;
    if (o.type === 'FactSet' && Array.isArray(o.facts)) {
      for (const f of o.facts) out.push([plain({ text: f.title }), plain({ text: f.value })]);
    }
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

/** The value of the first fact titled `title`. */
export function factValue(card: unknown, title: string): string | undefined {
  return factsOf(card).find(([t]) => t === title)?.[1];
}

/** The value of the first fact titled `title` after the fact titled `after` (e.g. the change after a score). */
export function factAfter(card: unknown, after: string, title: string): string | undefined {
  const facts = factsOf(card);
  const start = facts.findIndex(([t]) => t === after);
  return start < 0 ? undefined : facts.slice(start + 1).find(([t]) => t === title)?.[1];
}

/** A new temporary SQLite store path. */
export function tempStorePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'ws-digest-')), 'watch.db');
}

/** Opens the bot's SQLite store beside the running bot (WAL lets both use it). */
export function openStore(path: string): Stores {
  return repositories(new SqliteRecordStore(path));
}

/** Parsed JSON log lines of the bot with a given message prefix. */
export function logLines(logs: any[], prefix: string): any[] {
  return logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith(prefix));
}
