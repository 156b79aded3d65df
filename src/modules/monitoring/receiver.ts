import type { Protocol, ReceiverAdapter } from './adapters/types.ts';
import { rosterJsonAdapter } from './adapters/roster-json/index.ts';
import { shureAdapter } from './adapters/shure/index.ts';
import { sennheiserAdapter } from './adapters/sennheiser/index.ts';
import { sscv2Adapter } from './adapters/sennheiser/sscv2.ts';

/**
 * The receiver protocols Roster speaks, one adapter each (adapters/<vendor>/): the poller and the
 * subscriptions pick a chassis's adapter by its `protocol`; telemetry.ts turns the readings into
 * unit state and alerts.
 */

export type { ChannelReading, ChassisRow, Reading, Protocol } from './adapters/types.ts';
export { PROTOCOLS, parseChannel } from './adapters/types.ts';

const ADAPTERS: Record<Protocol, ReceiverAdapter> = {
  'roster-json': rosterJsonAdapter,
  shure: shureAdapter,
  sennheiser: sennheiserAdapter,
  'sennheiser-sscv2': sscv2Adapter,
};

export const adapterFor = (protocol: Protocol): ReceiverAdapter => ADAPTERS[protocol];

/** The protocol a new chassis speaks when none is given: Shure and Sennheiser hardware speak their own. */
export function defaultProtocol(manufacturer: string | undefined): Protocol {
  if (/^\s*shure\b/i.test(manufacturer ?? '')) return 'shure';
  if (/^\s*sennheiser\b/i.test(manufacturer ?? '')) return 'sennheiser';
  return 'roster-json';
}
