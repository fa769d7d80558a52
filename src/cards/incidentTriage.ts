/**
 * The cards of incident triage: `show my incidents`, one incident on its own card (`assign <incident id> to me`),
 * and the small Resolve form that `Resolve…` shows to the person who clicked it.
 */
import { CLASSIFICATIONS, DETERMINATIONS } from '../defender/incidentTriage';
import { cardTitle, subtleText, textBlock, type AdaptiveCard, type Choice, type CardElement } from './elements';
import { adaptiveCard } from './frame';
import { newestFirst } from './incidents';
import { classificationLabel, determinationLabel, INCIDENT_CARD_BUDGET, TRIAGE_TITLES } from './incidentState';
import { DEFAULT_MAX_ROWS, fitCard } from './limits';
import { portalLink } from './links';
import { noticeBlock } from './notice';
import { incidentRow } from './rows';
import { listBody } from './sections';
import { severityLabel, statusLabel } from './styles';
import { escapeOr, escapeText } from './text';
import { executeAction, MAX_RESOLVE_COMMENT } from './verbs';
import type { CardContext, IncidentCardView, MyIncidentsView, ResolveFormView } from './views';

/** Most rows `show my incidents` lists before "and N more". */
export const MY_INCIDENT_ROWS = 25;

/** The `Input.ChoiceSet` id of the verdict and the `Input.Text` id of the comment (they come back in `data`). */
export const RESOLVE_INPUTS = { verdict: 'verdict', comment: 'comment' } as const;

/** Every verdict the form offers: "True positive — Malware" → `truePositive:malware`. */
export function verdictChoices(): Choice[] {
  return CLASSIFICATIONS.flatMap((classification) =>
    DETERMINATIONS[classification].map((determination) => ({
      title: `${classificationLabel(classification)} — ${determinationLabel(determination)}`,
      value: `${classification}:${determination}`,
    })),
  );
}

/** `show my incidents`: the open incidents assigned to the asker, newest first, each with its buttons. */
export function myIncidentsCard(ctx: CardContext, view: MyIncidentsView): AdaptiveCard {
  const incidents = [...view.incidents].sort(newestFirst);
  return fitCard(
    (maxRows) =>
      adaptiveCard(ctx, [
        cardTitle(`Your open incidents (${incidents.length.toLocaleString('en-US')})`),
        subtleText(`Assigned to ${escapeText(view.owner, 100)} · newest first`, { size: 'Default' }),
        ...listBody(incidents, {
          maxRows: Math.min(maxRows, MY_INCIDENT_ROWS),
          renderRows: (shown) => shown.map((i) => incidentRow(ctx, i)),
          moreUrl: portalLink(ctx, { page: 'incidents' }),
          emptyText: 'No open incident is assigned to you.',
        }),
      ]),
    DEFAULT_MAX_ROWS,
    INCIDENT_CARD_BUDGET,
  );
}

/** One incident with its state and buttons, and what just happened above it. */
export function incidentCard(ctx: CardContext, view: IncidentCardView): AdaptiveCard {
  return fitCard(
    () =>
      adaptiveCard(ctx, [
        ...(view.notice ? [noticeBlock(view.notice)] : []),
        cardTitle(`Incident ${escapeText(view.incident.id, 24)}`),
        incidentRow(ctx, view.incident),
      ]),
    DEFAULT_MAX_ROWS,
    INCIDENT_CARD_BUDGET,
  );
}

/** The Resolve form: classification and determination in one list, a comment, `Resolve incident` and `Cancel`. */
export function resolveFormCard(ctx: CardContext, view: ResolveFormView): AdaptiveCard {
  const { incident } = view;
  const incidentId = incident.id;
  const choices = verdictChoices();
  const chosen = choices.some((c) => c.value === view.verdict) ? view.verdict : undefined;
  const facts = [
    statusLabel(incident.status || 'unknown'),
    incident.assignedTo ? `assigned to ${escapeText(incident.assignedTo, 60)}` : 'unassigned',
  ].join(' · ');
  const body: CardElement[] = [
    ...(view.notice ? [noticeBlock(view.notice)] : []),
    cardTitle(`Resolve incident ${escapeText(incidentId, 24)}`),
    textBlock(
      `**${severityLabel(incident.severity).toUpperCase()}** · ${escapeOr(incident.title, '(untitled incident)', 150)}`,
    ),
    subtleText(facts),
    {
      type: 'Input.ChoiceSet',
      id: RESOLVE_INPUTS.verdict,
      label: 'Classification and determination',
      style: 'compact',
      placeholder: 'Choose one',
      isRequired: true,
      errorMessage: 'Choose a classification and determination.',
      choices,
      ...(chosen ? { value: chosen } : {}),
    },
    {
      type: 'Input.Text',
      id: RESOLVE_INPUTS.comment,
      label: 'Comment (kept in Defender with your name)',
      placeholder: 'What you found and did',
      isMultiline: true,
      maxLength: MAX_RESOLVE_COMMENT,
      ...(view.comment ? { value: view.comment.slice(0, MAX_RESOLVE_COMMENT) } : {}),
    },
    subtleText('Only you see this form. Resolving updates the incident for everyone in this conversation.'),
  ];
  return fitCard(() =>
    adaptiveCard(ctx, body, [
      executeAction(TRIAGE_TITLES.resolveIncident, { verb: 'resolveIncident', data: { incidentId } }, 'positive'),
      executeAction(TRIAGE_TITLES.cancel, { verb: 'closeResolveForm', data: { incidentId } }),
    ]),
  );
}
