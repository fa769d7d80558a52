/**
 * The triage buttons of an incident row: `Assign to me`, `Take over`, `Resolve…` (the form, for the clicker only),
 * `Resolve incident` and `Cancel` on that form.
 *
 * A change shows on the card it was clicked on, for everyone: the card as it was posted (kept by `postedCards.ts`)
 * with that incident's row in its new state. The clicker also gets a line about what happened; a refusal shows only
 * to the clicker and changes nothing. When Defender is slower than the click budget, the clicker is told so at once
 * and the card changes for everyone when Defender has answered.
 */
import {
  incidentCard,
  isOpenIncident,
  noticeCard,
  resolveFormCard,
  withNotice,
  type AdaptiveCard,
  type IncidentView,
  type NoticeLine,
} from '../cards';
import type { CardAction } from '../cards/verbs';
import { isAllowed } from '../config';
import type { IncidentClassification } from '../defender/incidentTriage';
import { cardContext } from '../services';
import { readableError } from '../views/sections';
import { audit } from './audit';
import { clickerOnly, type ClickContext } from './clickContext';
import { afterAnswer, byDeadline } from './deadline';
import { keptCard, refreshedCard, rememberCard } from './postedCards';
import { NOT_A_TRIAGER } from './refusals';
import { refusalCard } from './statusCards';
import {
  assignIncident,
  incidentRowView,
  resolveIncident,
  TRIAGE_ACTIONS,
  type AssignMode,
  type TriageOutcome,
  type TriageRequest,
  type TriageStart,
} from './triage';
import type { ClickOutcome } from './types';

type Data<V extends CardAction['verb']> = Extract<CardAction, { verb: V }>['data'];

/** The triage request of a click. */
function requestOf(ctx: ClickContext): TriageRequest {
  const { user, conversation, principalName } = ctx.click;
  return { user, conversationId: conversation.id, principalName };
}

/** `Assign to me` and `Take over`. */
export async function takeIncident(
  ctx: ClickContext,
  mode: AssignMode,
  data: Data<'assignIncident' | 'takeOverIncident'>,
): Promise<ClickOutcome> {
  return answerStep(ctx, data.incidentId, await assignIncident(ctx.services, requestOf(ctx), data.incidentId, mode));
}

/** `Resolve…`: the form, to the clicker only; a closed incident's row is brought up to date instead. */
export async function openResolveForm(ctx: ClickContext, data: Data<'resolveIncidentForm'>): Promise<ClickOutcome> {
  const { services, click } = ctx;
  const { incidentId } = data;
  if (!isAllowed(services.config.operators, click.user)) {
    await audit(services, {
      user: click.user,
      action: TRIAGE_ACTIONS.resolveForm,
      incident: { id: incidentId },
      outcome: 'refused',
      detail: 'not in SECURITY_OPERATORS',
      conversationId: click.conversation.id,
    });
    return refused(ctx, 'Not allowed', NOT_A_TRIAGER);
  }
  const read = services.defender.getIncident(incidentId).then(
    (incident) => ({ incident }),
    (error: unknown) => ({ error }),
  );
  const answer = await byDeadline(read, ctx.deadline);
  if (answer.late) return clickerOnly(form(ctx, placeholder(incidentId)));
  if ('error' in answer.value) {
    return refused(ctx, 'Incident not read', readableError(answer.value.error), 'error');
  }
  const view = incidentRowView(answer.value.incident);
  if (!isOpenIncident(view.status)) {
    const text = `Incident ${incidentId} is no longer open (${view.status || 'closed'}). Nothing was changed.`;
    return answerOutcome(ctx, { kind: 'unchanged', incident: view, notice: { tone: 'info', text } });
  }
  return clickerOnly(form(ctx, view));
}

/** `Resolve incident` on the form: classification and determination must be chosen; the comment is optional. */
export async function resolveFromForm(ctx: ClickContext, data: Data<'resolveIncident'>): Promise<ClickOutcome> {
  const { incidentId, verdict, comment } = data;
  if (!verdict) {
    const notice: NoticeLine = { tone: 'warning', text: 'Choose a classification and determination first.' };
    return clickerOnly(form(ctx, placeholder(incidentId), { notice, comment }));
  }
  const [classification, determination] = verdict.split(':') as [IncidentClassification, string];
  const note = comment?.trim() || undefined;
  const start = await resolveIncident(ctx.services, requestOf(ctx), incidentId, {
    classification,
    determination,
    comment: note,
  });
  return answerStep(ctx, incidentId, start);
}

/** `Cancel` on the form: the card as it was, for the clicker. */
export async function closeResolveForm(ctx: ClickContext, data: Data<'closeResolveForm'>): Promise<ClickOutcome> {
  const { services, click } = ctx;
  const kept = await keptCard(services, click.conversation.id, click.cardActivityId);
  if (kept) return clickerOnly(kept);
  return clickerOnly(
    noticeCard(cardContext(services), {
      tone: 'info',
      title: `Incident ${data.incidentId}`,
      text: 'Nothing was changed. Run "show incidents" for the current list.',
    }),
  );
}

function form(
  ctx: ClickContext,
  incident: Pick<IncidentView, 'id' | 'title' | 'severity' | 'status' | 'assignedTo'>,
  extra: { notice?: NoticeLine; comment?: string } = {},
): AdaptiveCard {
  return resolveFormCard(cardContext(ctx.services), { incident, ...extra });
}

/** The form of an incident Defender did not describe in time: its id, and nothing made up. */
function placeholder(incidentId: string): Pick<IncidentView, 'id' | 'title' | 'severity' | 'status'> {
  return { id: incidentId, title: `Incident ${incidentId}`, severity: 'unknown', status: '' };
}

/** Answers a started or refused step within the click budget; a late outcome updates the card afterwards. */
async function answerStep(ctx: ClickContext, incidentId: string, start: TriageStart): Promise<ClickOutcome> {
  if (start.kind === 'refused') return refused(ctx, start.outcome.title, start.outcome.text);
  ctx.tracker.finishBeforeStop(start.result);
  const answer = await byDeadline(start.result, ctx.deadline);
  if (!answer.late) return answerOutcome(ctx, answer.value);
  const answeredAt = Date.now();
  void start.result.then((outcome) => showLater(ctx, outcome, answeredAt));
  const text =
    `Defender is slow to answer about incident ${incidentId}: ` +
    'this card changes for everyone here as soon as it does.';
  return noticeOnKept(ctx, { tone: 'info', text }, () => noticeCard(cardContext(ctx.services), { tone: 'info', text }));
}

/** The answer to a step Defender has finished. */
async function answerOutcome(ctx: ClickContext, outcome: TriageOutcome): Promise<ClickOutcome> {
  const { services, click } = ctx;
  if (outcome.kind === 'refused') return refused(ctx, outcome.title, outcome.text);
  const incident = outcome.incident;
  const refreshed = incident && (await refreshedCard(services, click.conversation.id, click.cardActivityId, incident));
  if (refreshed && 'card' in refreshed && outcome.kind !== 'failed') {
    // The row shows Defender's state to everyone; the clicker also reads what happened.
    const card = refreshed.card;
    return { kind: 'replaceForAll', card, clickerCard: withNotice(card, outcome.notice) ?? card };
  }
  if (incident && refreshed && 'missing' in refreshed && outcome.kind === 'changed') {
    // The change stands; only the clicker sees it on its own card, and the card they clicked stays as it was.
    const why =
      refreshed.missing === 'too large'
        ? 'This card is too full to show the change to the others.'
        : 'This older card stays as it was for the others.';
    const notice = { ...outcome.notice, text: `${outcome.notice.text} (${why})` };
    return clickerOnly(incidentCard(cardContext(services), { incident, notice }));
  }
  const tone = outcome.notice.tone === 'error' ? 'error' : 'warning';
  return noticeOnKept(ctx, outcome.notice, () =>
    incident
      ? incidentCard(cardContext(services), { incident, notice: outcome.notice })
      : refusalCard(services, 'Nothing changed', outcome.notice.text, tone),
  );
}

/** After a late answer: the card shows the outcome to everyone (a failure as a line on the card). */
async function showLater(ctx: ClickContext, outcome: TriageOutcome, answeredAt: number): Promise<void> {
  const { services, click } = ctx;
  const activityId = click.cardActivityId;
  if (!activityId || outcome.kind === 'refused') return;
  try {
    await afterAnswer(answeredAt);
    const conversationId = click.conversation.id;
    if (outcome.incident && outcome.kind !== 'failed') {
      const refreshed = await refreshedCard(services, conversationId, activityId, outcome.incident);
      if (!('card' in refreshed)) {
        services.log.info({ activityId, missing: refreshed.missing }, 'a late triage outcome is not shown on its card');
        return;
      }
      await services.messenger.update(conversationId, activityId, refreshed.card);
      await rememberCard(services, conversationId, activityId, refreshed.card, 'replaced');
      return;
    }
    // Not kept with the notice: the next change rebuilds the card without it.
    const kept = await keptCard(services, conversationId, activityId);
    const text = `${click.user.name}: ${outcome.notice.text}`;
    const card = kept && withNotice(kept, { ...outcome.notice, text });
    if (card) await services.messenger.update(conversationId, activityId, card);
  } catch (err) {
    services.log.warn({ err, activityId }, 'could not show a late triage outcome');
  }
}

/** The kept card with `notice` on top, for the clicker only; `fallback` when the card is not kept. */
async function noticeOnKept(
  ctx: ClickContext,
  notice: NoticeLine,
  fallback: () => AdaptiveCard,
): Promise<ClickOutcome> {
  const kept = await keptCard(ctx.services, ctx.click.conversation.id, ctx.click.cardActivityId);
  return clickerOnly((kept && withNotice(kept, notice)) ?? fallback());
}

/** A refusal, for the clicker only, on the card they clicked when it is kept. */
function refused(
  ctx: ClickContext,
  title: string,
  text: string,
  tone: 'warning' | 'error' = 'warning',
): Promise<ClickOutcome> {
  return noticeOnKept(ctx, { tone, text: `${title}: ${text}` }, () => refusalCard(ctx.services, title, text, tone));
}
