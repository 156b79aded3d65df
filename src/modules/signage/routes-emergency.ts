import { tenant } from '../../core/http/app.ts';
import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { RosterApp } from '../../core/http/app.ts';
import { notFound } from '../../core/http/problem.ts';
import { clearEmergency, getEmergency, setEmergency } from './emergency.ts';
import { emergencyOut, emergencyView } from './views.ts';

const tags = ['signage'];
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #b00020');

/** The org's emergency message: one at a time, on every screen or the chosen ones, until it expires. */
export function registerEmergencyRoutes(app: RosterApp) {
  app.post(
    '/api/signage/emergency',
    {
      schema: {
        tags,
        summary: 'Show a full-screen message on screens, groups or all until expires_at (admins)',
        body: z.strictObject({
          message: z.string().trim().min(1).max(2000),
          color: colour.optional(),
          background: colour.optional(),
          image_asset_id: uuidParam.nullable().optional(),
          device_ids: z.array(uuidParam).max(10_000).nullable().optional(),
          group_ids: z.array(uuidParam).max(1000).nullable().optional(),
          expires_at: z.iso.datetime({ offset: true }),
        }),
        response: { 201: emergencyOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const input = {
        message: b.message,
        color: b.color,
        background: b.background,
        imageAssetId: b.image_asset_id,
        deviceIds: b.device_ids,
        groupIds: b.group_ids,
        expiresAt: new Date(b.expires_at),
      };
      return reply.code(201).send(emergencyView(await tenant(req, (t) => setEmergency(t, input))));
    },
  );

  app.get(
    '/api/signage/emergency',
    {
      schema: {
        tags,
        summary: "The org's emergency message (404 when there is none)",
        response: { 200: emergencyOut },
      },
    },
    async (req) => {
      const current = await tenant(req, getEmergency);
      if (!current) throw notFound('Emergency message');
      return emergencyView(current);
    },
  );

  app.delete(
    '/api/signage/emergency',
    { schema: { tags, summary: 'Clear the emergency message: screens return to their playlists (admins)' } },
    async (req, reply) => {
      await tenant(req, clearEmergency);
      return reply.code(204).send();
    },
  );
}
