/**
 * The edge of `POST /api/messages`: the JSON body is parsed into a Teams activity once, with a schema, before the
 * adapter authenticates it and the app runs it.
 *
 * Every outcome is an answer the caller can act on and that tells an attacker nothing: 400 when the body is not an
 * activity the bot can answer, 401 without a valid Bot Framework token, 503 when the token cannot be checked right
 * now, 500 with a correlation id when a turn broke. Details go to the structured log, never into the answer.
 */
import { randomUUID } from 'node:crypto';
import { TeamsAdapter, type Application } from '@microsoft/teams-ai';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../log';

/** The HTTP answer to one inbound request. */
export interface InboundAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullish();

const channelAccount = z
  .object({ id: text(1024).min(1), name: optionalText(1024), aadObjectId: optionalText(256) })
  .passthrough();

const namedId = z.object({ id: optionalText(1024), name: optionalText(1024) }).passthrough();

const isoDate = optionalText(64);

/** The fields Watchstander and the Bot Framework read, with their types; other fields pass through untouched. */
const inboundActivitySchema = z
  .object({
    type: text(64).min(1),
    id: optionalText(1024),
    channelId: text(64).min(1),
    serviceUrl: text(2048).refine(isHttpUrl, 'must be an http(s) URL'),
    from: channelAccount,
    recipient: channelAccount,
    conversation: z
      .object({
        id: text(1024).min(1),
        conversationType: optionalText(64),
        tenantId: optionalText(256),
        isGroup: z.boolean().nullish(),
        name: optionalText(1024),
      })
      .passthrough(),
    channelData: z
      .object({
        tenant: namedId.nullish(),
        team: namedId.nullish(),
        channel: namedId.nullish(),
        eventType: optionalText(128),
      })
      .passthrough()
      .nullish(),
    text: z.string().nullish(),
    textFormat: optionalText(64),
    locale: optionalText(64),
    replyToId: optionalText(1024),
    name: optionalText(256),
    action: optionalText(64),
    timestamp: isoDate,
    localTimestamp: isoDate,
    expiration: isoDate,
    entities: z.array(z.record(z.unknown())).max(256).nullish(),
    attachments: z.array(z.record(z.unknown())).max(64).nullish(),
    membersAdded: z.array(channelAccount).max(1000).nullish(),
    membersRemoved: z.array(channelAccount).max(1000).nullish(),
    deliveryMode: optionalText(64),
  })
  .passthrough();

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The Teams adapter, with the authenticate-and-run step the stock `process(req, res)` wraps made callable. */
export class InboundAdapter extends TeamsAdapter {
  /** Authenticates `activity` with the request's `Authorization` header and runs `logic`; throws when refused. */
  authenticateAndRun(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }
}

/** Parses a request body into an activity; returns the first problem when it is not one. */
export function parseInboundActivity(body: unknown): { activity: Activity } | { problem: string } {
  const parsed = inboundActivitySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue.path.join('.') || 'body'}: ${issue.message}`.slice(0, 200) };
  }
  const activity = parsed.data as Record<string, unknown>;
  // As the Bot Framework adapter does: timestamps become dates, the original text is kept.
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field] as string);
    }
  }
  return { activity: activity as unknown as Activity };
}

/** What an authenticated inbound activity meets before the app: it runs `next` to let the activity in. */
export interface InboundGate {
  onTurn(context: TurnContext, next: () => Promise<void>): Promise<void>;
}

/** Authenticates and runs one inbound activity; never throws. */
export async function processInbound(
  adapter: InboundAdapter,
  app: Application,
  body: unknown,
  authorization: string,
  log: Logger,
  gate?: InboundGate,
): Promise<InboundAnswer> {
  const parsed = parseInboundActivity(body);
  if ('problem' in parsed) {
    log.debug({ problem: parsed.problem }, 'refused a request that is not a Teams activity');
    return { status: 400, body: { error: `not a Teams activity: ${parsed.problem}` } };
  }
  let turnStarted = false;
  try {
    const invokeResponse = await adapter.authenticateAndRun(
      authorization,
      parsed.activity,
      async (context: TurnContext) => {
        turnStarted = true;
        // Inbound only: proactive turns (digests, card updates) never come through here.
        if (gate) await gate.onTurn(context, async () => void (await app.run(context)));
        else await app.run(context);
      },
    );
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
  } catch (error) {
    if (!turnStarted && (error as { statusCode?: number }).statusCode === 401) {
      log.warn(
        { reason: (error as Error).message, activityType: parsed.activity.type },
        'refused an unauthenticated request',
      );
      return { status: 401, body: { error: 'Unauthorized' } };
    }
    const correlationId = randomUUID();
    if (!turnStarted) {
      // The token could not be checked (e.g. the Bot Framework signing keys could not be fetched): not processed.
      log.error({ err: error, correlationId }, 'could not authenticate a request');
      return {
        status: 503,
        body: { error: 'cannot authenticate requests right now', correlationId },
        headers: { 'Retry-After': '5' },
      };
    }
    log.error({ err: error, correlationId, activityType: parsed.activity.type }, 'activity failed');
    return { status: 500, body: { error: 'the activity could not be processed', correlationId } };
  }
}
