/**
 * Which card previews exist: one per card kind, each built by the real card builders from the sample views of
 * `tests/helpers/cardFixtures.ts`, and the file in docs/images it is written to.
 */
import { sampleCards, type SampleCard } from '../../tests/helpers/cardFixtures';

/** One card preview: the sample it shows and the PNG it is written to. */
export interface Preview {
  /** File name in docs/images. */
  file: string;
  /** What the card is, as the README's alt text says it. */
  title: string;
  /** Name of the sample in `sampleCards()`. */
  sample: string;
}

/** The card kinds, in the order the README shows them. */
export const PREVIEWS: readonly Preview[] = [
  { file: 'welcome.png', title: 'Welcome card', sample: 'welcome' },
  { file: 'help.png', title: 'Help card', sample: 'help' },
  { file: 'daily-digest.png', title: 'Daily digest', sample: 'daily digest' },
  { file: 'weekly-digest.png', title: 'Weekly digest', sample: 'weekly digest' },
  { file: 'monthly-digest.png', title: 'Monthly digest', sample: 'monthly digest' },
  { file: 'pending-actions.png', title: 'Pending actions', sample: 'pending actions' },
  { file: 'incidents.png', title: 'Open incidents', sample: 'incidents' },
  { file: 'my-incidents.png', title: 'My incidents', sample: 'my incidents' },
  { file: 'resolve-form.png', title: 'Resolve form', sample: 'resolve form' },
  { file: 'devices.png', title: 'Devices with active alerts', sample: 'devices' },
  { file: 'device.png', title: 'Device card', sample: 'device' },
  { file: 'choose-device.png', title: 'Choose a device', sample: 'choose device' },
  { file: 'action-status.png', title: 'Action status', sample: 'action status' },
  { file: 'approval.png', title: 'Approval card', sample: 'approval, pending' },
  { file: 'secure-score.png', title: 'Security scores', sample: 'secure score' },
  { file: 'audit.png', title: 'Audit log', sample: 'audit' },
  { file: 'notice.png', title: 'Notice', sample: 'notice' },
];

/** The card of every preview, from `sampleCards()`; throws naming a sample that no longer exists. */
export function previewCards(samples: SampleCard[] = sampleCards()): { preview: Preview; card: unknown }[] {
  return PREVIEWS.map((preview) => {
    const sample = samples.find((s) => s.name === preview.sample);
    if (!sample)
      throw new Error(`card preview ${preview.file}: no sample card named "${preview.sample}" in sampleCards()`);
    return { preview, card: sample.card };
  });
}

/** The text of a card's title: its first heading TextBlock, or its first TextBlock (a notice has no heading). */
export function cardTitle(card: unknown): string | undefined {
  const texts: { text: string; heading: boolean }[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') {
      texts.push({ text: element.text, heading: element.style === 'heading' });
    }
    for (const child of Object.values(element)) {
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(card);
  return (texts.find((t) => t.heading) ?? texts[0])?.text;
}

/** A file name for any sample card (for `--all`): "pending actions, empty" → "pending-actions-empty.png". */
export function sampleFileName(name: string): string {
  return `${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.png`;
}
