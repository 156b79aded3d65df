import { z } from 'zod';
import { actorOf, tenant, type RosterApp } from '../../../core/http/app.ts';
import { uuidParam } from '../../../core/db/ids.ts';
import { adapterFor } from '../receiver.ts';
import { addDiscovered, getDiscovered, listDiscovered, type Discovery } from '../discovery.ts';
import { chassisOut, chassisView, discoveredOut, discoveredView, unitOut, unitView } from '../views.ts';
import { base, tags, text } from './common.ts';

// Receivers found on the venue network, and adding one with a click (org admins).

const discoveredParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'not a discovered receiver id') });
const addBody = z.strictObject({
  /** The chassis name; what the receiver calls itself when not given. */
  name: text(200).min(1).optional(),
  location_id: uuidParam.nullable().optional(),
});

/** How long adding waits for the receiver to say what it is before using its announcement alone. */
const IDENTIFY_TIMEOUT_MS = 3000;

export function registerDiscoveryRoutes(app: RosterApp, discovery: Discovery) {
  app.get(
    `${base}/discovery`,
    {
      schema: {
        tags,
        summary: 'Receivers announcing themselves on networks this org may reach (admins)',
        response: { 200: z.object({ listening: z.boolean(), items: z.array(discoveredOut) }) },
      },
    },
    (req) =>
      tenant(req, async (t) => ({
        listening: discovery.listening(),
        items: (await listDiscovered(t, discovery)).map(discoveredView),
      })),
  );
  app.post(
    `${base}/discovery/:id/add`,
    {
      schema: {
        tags,
        summary: 'Add a discovered receiver as a chassis with one unit per channel (admins)',
        params: discoveredParams,
        body: addBody,
        response: { 201: z.object({ chassis: chassisOut, units: z.array(unitOut) }) },
      },
    },
    async (req, reply) => {
      const entry = await tenant(req, (t) => getDiscovered(t, discovery, req.params.id));
      // Asked outside any transaction: the receiver's answer (model, channels, serial) wins over
      // its announcement; one that does not answer is added from the announcement alone.
      const identity = await adapterFor(entry.protocol)
        .identify(entry.address, entry.port, {
          orgId: actorOf(req).orgId,
          timeoutMs: IDENTIFY_TIMEOUT_MS,
          modelHint: entry.model ?? entry.family ?? undefined,
        })
        .catch(() => null);
      const added = await tenant(req, (t) =>
        addDiscovered(t, entry, identity, { name: req.body.name, locationId: req.body.location_id }),
      );
      return reply.code(201).send({ chassis: chassisView(added.chassis), units: added.units.map(unitView) });
    },
  );
}
