/**
 * The frame of every Watchstander card: schema, version 1.5, full width, and the "Simulated tenant" label.
 */
import {
  CARD_SCHEMA,
  CARD_VERSION,
  container,
  textBlock,
  type AdaptiveCard,
  type CardButton,
  type CardElement,
  type Container,
} from './elements';
import type { CardContext } from './views';

/** The visible text of the label simulated cards carry. */
export const SIMULATED_LABEL = 'Simulated tenant';

/** The label on top of every card built from the simulated tenant, so simulated data never passes for real. */
export function simulatedBanner(): Container {
  return container(
    [
      textBlock(`⚠ ${SIMULATED_LABEL}`, { weight: 'Bolder', color: 'Attention' }),
      textBlock('Data from the embedded simulator, not from a real Defender tenant.', {
        size: 'Small',
        spacing: 'None',
      }),
    ],
    { style: 'attention', bleed: true },
  );
}

/** A complete card: the frame around `body` and `actions`, with the simulated label first when simulated. */
export function adaptiveCard(ctx: CardContext, body: CardElement[], actions: CardButton[] = []): AdaptiveCard {
  return {
    $schema: CARD_SCHEMA,
    type: 'AdaptiveCard',
    version: CARD_VERSION,
    msteams: { width: 'Full' },
    body: ctx.simulated ? [simulatedBanner(), ...body] : body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}
