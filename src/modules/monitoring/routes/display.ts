import { z } from 'zod';
import { uuidParam } from '../../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../../core/http/pagination.ts';
import * as links from '../display-links.ts';
import { displayLinkOut, displayLinkView, displayWallOut, displayWallView } from '../views.ts';
import { base, flag, idParams, tags, text } from './common.ts';

const linkBody = z
  .strictObject({
    name: text(200).min(1),
    monitoring_group_id: uuidParam.optional(),
    location_id: uuidParam.optional(),
    stale_after_seconds: z.number().int().min(2).max(3600).optional(),
  })
  .refine((b) => (b.monitoring_group_id === undefined) !== (b.location_id === undefined), {
    message: 'give exactly one of monitoring_group_id and location_id',
    path: ['monitoring_group_id'],
  });

/** Where a display link opens the wall: the token travels in the fragment, never to a server log. */
export const displayPath = (token: string) => `/display#${token}`;

/**
 * Display links (admins create, list, revoke) and what a display reads with one. The display's
 * routes accept only the `display` credential; every other route refuses it.
 */
export function registerDisplayRoutes(app: RosterApp) {
  app.authenticators.push((token) => links.authenticateDisplay(app.deps.database.db, token));

  app.get(
    `${base}/display-links`,
    {
      schema: {
        tags,
        summary: 'Display links of the org, newest first (admins); include_revoked=true for all',
        querystring: pageQuery.extend({ include_revoked: flag.optional() }),
        response: { 200: pageOf(displayLinkOut) },
      },
    },
    (req) => {
      const { include_revoked, ...page } = req.query;
      return tenant(req, async (t) =>
        mapPage(await links.listDisplayLinks(t, { includeRevoked: include_revoked, page }), displayLinkView),
      );
    },
  );
  app.post(
    `${base}/display-links`,
    {
      schema: {
        tags,
        summary:
          'Create a read-only display link for a group or a location (admins); the token is shown once',
        body: linkBody,
        response: { 201: displayLinkOut.extend({ token: z.string(), url: z.string() }) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const input = {
        name: b.name,
        monitoringGroupId: b.monitoring_group_id,
        locationId: b.location_id,
        staleAfterSeconds: b.stale_after_seconds,
      };
      const { link, token } = await tenant(req, (t) => links.createDisplayLink(t, input));
      return reply.code(201).send({ ...displayLinkView(link), token, url: displayPath(token) });
    },
  );
  app.get(
    `${base}/display-links/:id`,
    {
      schema: {
        tags,
        summary: 'One display link (admins)',
        params: idParams,
        response: { 200: displayLinkOut },
      },
    },
    (req) => tenant(req, async (t) => displayLinkView(await links.getDisplayLink(t, req.params.id))),
  );
  app.post(
    `${base}/display-links/:id/revoke`,
    {
      schema: {
        tags,
        summary: 'Revoke a display link: its screen stops at its next read (admins)',
        params: idParams,
        response: { 200: displayLinkOut },
      },
    },
    (req) => tenant(req, async (t) => displayLinkView(await links.revokeDisplayLink(t, req.params.id))),
  );

  app.get(
    `${base}/display`,
    {
      config: { credentials: ['display'] },
      schema: {
        tags,
        summary: "A display link's wall: its slots with readings, wearers, alerts and staleness",
        response: { 200: displayWallOut },
      },
    },
    (req) => tenant(req, async (t) => displayWallView(await links.displayWall(t))),
  );
}
