/**
 * The contract between a card button and the action that runs when it is clicked.
 *
 * Card builders put `CardAction` values into `Action.Execute` buttons (`verb` + `data`); the action handlers parse
 * every click's `verb` and `data` with `parseCardAction` before anything else happens, so a tampered click
 * (unknown verb, a device id that is not 40 hex characters, missing or extra fields, huge strings) runs nothing.
 */
import { z } from 'zod';
import { CLASSIFICATIONS, DETERMINATIONS } from '../defender/incidentTriage';

const deviceId = z.string().regex(/^[0-9a-f]{40}$/, 'a device id is 40 hexadecimal characters');
const requestId = z.string().regex(/^[0-9a-z]{8,40}$/, 'a request id is 8-40 lowercase letters and digits');
const incidentId = z.string().regex(/^\d{1,20}$/, 'an incident id is 1-20 digits');

/** Most characters of the comment typed into the Resolve form. */
export const MAX_RESOLVE_COMMENT = 800;

/** Every `classification:determination` the Resolve form offers, e.g. `truePositive:malware`. */
export const VERDICTS: readonly string[] = CLASSIFICATIONS.flatMap((c) => DETERMINATIONS[c].map((d) => `${c}:${d}`));

/** Every verb a Watchstander card can send, with the `data` it carries. */
export const cardActionSchemas = {
  /** Run antivirus scan. */
  scan: z.object({ deviceId, scanType: z.enum(['Quick', 'Full']) }).strict(),
  /** Start investigation. */
  investigate: z.object({ deviceId }).strict(),
  /** Request isolation (creates a remediation request that waits for an approver). */
  requestIsolation: z.object({ deviceId, isolationType: z.enum(['Full', 'Selective']) }).strict(),
  /** Request release from isolation (creates a remediation request that waits for an approver). */
  requestRelease: z.object({ deviceId }).strict(),
  /** Approve a remediation request. */
  approve: z.object({ requestId }).strict(),
  /** Reject a remediation request. */
  reject: z.object({ requestId }).strict(),
  /** Show one device's card (from a list of devices that matched a name). */
  showDevice: z.object({ deviceId }).strict(),
  /** Assign to me (an unassigned incident). */
  assignIncident: z.object({ incidentId }).strict(),
  /** Take over (an incident someone already has). */
  takeOverIncident: z.object({ incidentId }).strict(),
  /** Resolve…: the small form, shown to the clicker only. */
  resolveIncidentForm: z.object({ incidentId }).strict(),
  /** Resolve incident (the form's button; the form's inputs come with it, empty when left blank). */
  resolveIncident: z
    .object({
      incidentId,
      verdict: z.union([z.enum(VERDICTS as [string, ...string[]]), z.literal('')]).optional(),
      comment: z
        .string()
        .max(MAX_RESOLVE_COMMENT, `a comment has at most ${MAX_RESOLVE_COMMENT} characters`)
        .optional(),
    })
    .strict(),
  /** Cancel on the Resolve form: the card as it was. */
  closeResolveForm: z.object({ incidentId }).strict(),
} as const;

/** A card verb. */
export type CardVerb = keyof typeof cardActionSchemas;

/** A parsed, trusted click: a verb and its typed data. */
export type CardAction = {
  [V in CardVerb]: { verb: V; data: z.infer<(typeof cardActionSchemas)[V]> };
}[CardVerb];

/** The verbs, for routing. */
export const CARD_VERBS = Object.keys(cardActionSchemas) as CardVerb[];

/** Why a click was refused before anything ran. */
export class InvalidCardAction extends Error {
  constructor(detail: string) {
    super(`invalid request: ${detail}`);
    this.name = 'InvalidCardAction';
  }
}

const MAX_DATA_JSON = 2048;

/** Parses an untrusted `Action.Execute` verb and data into a `CardAction`; throws `InvalidCardAction`. */
export function parseCardAction(verb: unknown, data: unknown): CardAction {
  if (typeof verb !== 'string' || !Object.prototype.hasOwnProperty.call(cardActionSchemas, verb)) {
    throw new InvalidCardAction('unknown action');
  }
  let size: number;
  try {
    size = JSON.stringify(data ?? null).length;
  } catch {
    throw new InvalidCardAction('unreadable data');
  }
  if (size > MAX_DATA_JSON) throw new InvalidCardAction('data too large');
  const result = cardActionSchemas[verb as CardVerb].safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidCardAction(`${issue.path.join('.') || 'data'}: ${issue.message}`.slice(0, 200));
  }
  return { verb, data: result.data } as CardAction;
}

/** Builds the `Action.Execute` button of a card action. */
export function executeAction(title: string, action: CardAction, style?: 'positive' | 'destructive'): ExecuteAction {
  return { type: 'Action.Execute', title, verb: action.verb, data: { ...action.data }, ...(style ? { style } : {}) };
}

/** An Adaptive Card `Action.Execute`. */
export interface ExecuteAction {
  type: 'Action.Execute';
  title: string;
  verb: string;
  data: Record<string, unknown>;
  style?: 'positive' | 'destructive';
}
