/**
 * `Show` (from a list of devices that matched a name): the device's card with its buttons. Reads only.
 */
import { deviceCard, noticeCard } from '../cards';
import type { CardAction } from '../cards/verbs';
import { cardContext } from '../services';
import { loadDeviceDetail } from '../views/deviceDetail';
import { readableError } from '../views/sections';
import { audit } from './audit';
import { clickedDevice, clickerOnly, replaceForAll, type ClickContext } from './clickContext';
import { afterAnswer, byDeadline } from './deadline';
import { refusalCard } from './statusCards';
import type { ClickOutcome } from './types';

/** Handles `showDevice`. */
export async function showDevice(
  ctx: ClickContext,
  data: Extract<CardAction, { verb: 'showDevice' }>['data'],
): Promise<ClickOutcome> {
  const { services, click, names } = ctx;
  const { defender } = services;
  const deviceId = data.deviceId;
  await audit(services, {
    user: click.user,
    action: 'show device',
    device: await clickedDevice(ctx, deviceId),
    outcome: 'allowed',
    conversationId: click.conversation.id,
  });
  const card = defender
    .getMachine(deviceId)
    .then(async (machine) => {
      names.remember(deviceId, machine.computerDnsName);
      const detail = await loadDeviceDetail(defender, machine, false);
      return { ok: true as const, card: deviceCard(cardContext(services), detail) };
    })
    .catch((error: unknown) => {
      services.log.warn({ err: error, deviceId }, 'could not load a device card');
      return { ok: false as const, card: refusalCard(services, 'Device not shown', readableError(error), 'error') };
    });
  const answer = await byDeadline(card, ctx.deadline);
  if (!answer.late) return answer.value.ok ? replaceForAll(answer.value.card) : clickerOnly(answer.value.card);

  const activityId = click.cardActivityId;
  const answeredAt = Date.now();
  if (activityId) {
    void card
      .then(async (late) => {
        await afterAnswer(answeredAt);
        await services.messenger.update(click.conversation.id, activityId, late.card);
      })
      .catch((err: unknown) => services.log.warn({ err, deviceId }, 'could not show a device card'));
  }
  return replaceForAll(
    noticeCard(cardContext(services), {
      tone: 'info',
      title: 'Loading the device',
      text: `Defender is slow to answer: the card of ${names.known(deviceId) ?? 'the device'} appears here soon.`,
    }),
  );
}
