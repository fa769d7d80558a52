/**
 * Device names by id: a click carries only the device id, and cards name the device.
 */
import type { DefenderApi } from '../defender/api';
import { byDeadline } from './deadline';

const MAX_NAMES = 5000;

/** Remembers device names the bot has seen and looks up the others. */
export class DeviceNames {
  private readonly names = new Map<string, string>();
  /** Lookups under way, so concurrent clicks on one device ask Defender once. */
  private readonly asking = new Map<string, Promise<string | undefined>>();

  constructor(private readonly defender: Pick<DefenderApi, 'getMachine'>) {}

  /** The name, if already known. */
  known(id: string): string | undefined {
    return this.names.get(id);
  }

  /** Remembers a name (the oldest are forgotten beyond a few thousand). */
  remember(id: string, name: string | undefined): void {
    if (!name) return;
    this.names.delete(id);
    this.names.set(id, name);
    if (this.names.size > MAX_NAMES) this.names.delete(this.names.keys().next().value!);
  }

  /** The name, if known or found by `deadline` (epoch ms); the lookup goes on to fill the memory. */
  async lookupBy(id: string, deadline: number): Promise<string | undefined> {
    const known = this.known(id);
    if (known) return known;
    const found = await byDeadline(this.lookup(id), deadline);
    return found.late ? undefined : found.value;
  }

  /** The name, from memory or from Defender; `undefined` when Defender cannot say. Never rejects. */
  lookup(id: string): Promise<string | undefined> {
    const known = this.known(id);
    if (known) return Promise.resolve(known);
    let asking = this.asking.get(id);
    if (!asking) {
      asking = this.defender
        .getMachine(id)
        .then((machine) => {
          this.remember(id, machine.computerDnsName || undefined);
          return machine.computerDnsName || undefined;
        })
        .catch(() => undefined)
        .finally(() => this.asking.delete(id));
      this.asking.set(id, asking);
    }
    return asking;
  }
}
