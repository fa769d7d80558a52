/**
 * The live card of a machine action or automated investigation the bot started, with its step line
 * (Requested → Pending → In progress → final).
 */
import { FINAL_ACTION_STATUSES, FINAL_INVESTIGATION_STATES } from '../defender/models';
import {
  cardTitle,
  fact,
  factSet,
  textBlock,
  type AdaptiveCard,
  type Fact,
  type TextBlock,
  type TextOptions,
} from './elements';
import { formatTime, formatTimeAndAge } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { noticeBlock } from './notice';
import { deviceName } from './rows';
import { portalButton } from './sections';
import { operationLabel, statusColor, statusLabel } from './styles';
import { escapeOr, escapeText } from './text';
import type { ActionStatusView, CardContext, OperationView } from './views';

/** Where one step of the line stands. */
export type StepState = 'done' | 'current' | 'todo' | 'succeeded' | 'failed';

/** One step of a status line. */
export interface Step {
  label: string;
  state: StepState;
}

/** Status text while Defender has not answered the request yet. */
export const WAITING_FOR_DEFENDER = 'Requested — waiting for Defender';

const SUCCESS = new Set(['Succeeded', 'SuccessfullyRemediated', 'Benign', 'PartiallyRemediated']);

function finalStep(status: string): Step {
  return { label: statusLabel(status), state: SUCCESS.has(status) ? 'succeeded' : 'failed' };
}

/** Steps of a machine action: Requested → Pending → In progress → final status. */
export function machineActionSteps(status: string | undefined): Step[] {
  if (status !== undefined && FINAL_ACTION_STATUSES.includes(status)) {
    const done = ['Requested', 'Pending', 'In progress'].map((label): Step => ({ label, state: 'done' }));
    return [...done, finalStep(status)];
  }
  // A status Defender may add later still shows, in the place of Pending.
  const unknown = status !== undefined && status !== 'Pending' && status !== 'InProgress';
  const labels = ['Requested', unknown ? statusLabel(status) : 'Pending', 'In progress', 'Done'];
  const current = status === undefined ? 0 : status === 'InProgress' ? 2 : 1;
  return labels.map((label, i): Step => ({ label, state: i < current ? 'done' : i === current ? 'current' : 'todo' }));
}

/** Steps of an automated investigation: Requested → Running → (Pending approval) → final state. */
export function investigationSteps(state: string | undefined): Step[] {
  if (state === undefined) {
    return [
      { label: 'Requested', state: 'current' },
      { label: 'Running', state: 'todo' },
      { label: 'Done', state: 'todo' },
    ];
  }
  if (FINAL_INVESTIGATION_STATES.includes(state)) {
    return [{ label: 'Requested', state: 'done' }, { label: 'Running', state: 'done' }, finalStep(state)];
  }
  const waiting = state === 'PendingApproval';
  return [
    { label: 'Requested', state: 'done' },
    { label: waiting ? 'Running' : statusLabel(state), state: waiting ? 'done' : 'current' },
    ...(waiting ? [{ label: 'Pending approval', state: 'current' as const }] : []),
    { label: 'Done', state: 'todo' },
  ];
}

const STEP_LOOK: Record<StepState, { marker: string } & TextOptions> = {
  done: { marker: '✔', color: 'Good' },
  current: { marker: '●', color: 'Accent', weight: 'Bolder' },
  todo: { marker: '○', isSubtle: true },
  succeeded: { marker: '✔', color: 'Good', weight: 'Bolder' },
  failed: { marker: '✖', color: 'Attention', weight: 'Bolder' },
};

/**
 * The visual step line: the current step bold, finished ones ticked. One wrapping text, so a narrow card (mobile,
 * a reply pane) wraps it instead of cutting step names off.
 */
export function stepLine(steps: Step[]): TextBlock {
  const parts = steps.map((step) => {
    const { marker } = STEP_LOOK[step.state];
    return step.state === 'current' ? `**${marker} ${step.label}**` : `${marker} ${step.label}`;
  });
  const current = steps.find((s) => s.state === 'current');
  const color = current ? STEP_LOOK.current.color : steps.some((s) => s.state === 'failed') ? 'Attention' : 'Good';
  return textBlock(parts.join(' → '), { wrap: true, color, spacing: 'Medium' });
}

/** The steps of an operation at a status. */
export function operationSteps(operation: OperationView, status: string | undefined): Step[] {
  return operation.kind === 'investigation' ? investigationSteps(status) : machineActionSteps(status);
}

function statusFacts(ctx: CardContext, view: ActionStatusView): Fact[] {
  const idTitle = view.operation.kind === 'investigation' ? 'Investigation id' : 'Defender action id';
  return [
    fact('Device', deviceName(view.deviceName)),
    fact('Action', operationLabel(view.operation)),
    fact('Requested by', `${escapeOr(view.requestedBy, 'unknown', 80)}, ${formatTimeAndAge(view.requestedAt, ctx)}`),
    fact('Status', view.status === undefined ? WAITING_FOR_DEFENDER : statusLabel(view.status)),
    ...(view.lastUpdate ? [fact('Last update', formatTime(view.lastUpdate, ctx))] : []),
    ...(view.defenderId ? [fact(idTitle, escapeText(view.defenderId, 80))] : []),
  ];
}

/** The live status card of an action the bot started; `view.notice` adds a line on top. */
export function actionStatusCard(ctx: CardContext, view: ActionStatusView): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(
      ctx,
      [
        ...(view.notice ? [noticeBlock(view.notice)] : []),
        cardTitle(`${operationLabel(view.operation)} on ${deviceName(view.deviceName)}`),
        textBlock(view.status === undefined ? WAITING_FOR_DEFENDER : statusLabel(view.status), {
          color: statusColor(view.status),
          weight: 'Bolder',
          spacing: 'None',
        }),
        stepLine(operationSteps(view.operation, view.status)),
        factSet(statusFacts(ctx, view)),
      ],
      [portalButton(ctx, { page: 'device', id: view.deviceId })],
    ),
  );
}
