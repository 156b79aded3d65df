import { z } from 'zod';
import { uuidParam } from '../../core/db/ids.ts';
import type { FileStorage } from '../../core/files/storage.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../core/http/pagination.ts';
import { COMMAND_STATUSES, listScreenCommands, queueCommand, sendScreenCommand } from './commands.ts';
import { screenHealth } from './health.ts';
import { DEVICE_COMMANDS } from './schema.ts';
import { screenshotContent } from './screenshots.ts';
import { commandOut, commandView, healthOut, healthView } from './views.ts';

const tags = ['signage'];
const params = z.object({ id: uuidParam });

const ids = z.array(uuidParam).min(1).max(1000);

/** Remote control from the console: commands to screens and groups, their outcome, health and screenshot. */
export function registerRemoteRoutes(app: RosterApp, storage: FileStorage) {
  app.post(
    '/api/signage/commands',
    {
      schema: {
        tags,
        summary:
          'Send a command to named screens and the screens of named groups, or to every screen when ' +
          'neither is given (admins); each screen gets it once',
        body: z.strictObject({
          command: z.enum(DEVICE_COMMANDS),
          device_ids: ids.optional(),
          group_ids: ids.optional(),
        }),
        response: {
          201: z.object({
            command: z.enum(DEVICE_COMMANDS),
            device_ids: z.array(z.string()),
            commands: z.array(commandOut),
          }),
        },
      },
    },
    async (req, reply) => {
      const { command, device_ids, group_ids } = req.body;
      const queued = await tenant(req, (t) => queueCommand(t, command, device_ids, group_ids));
      return reply.code(201).send({
        command: queued.command,
        device_ids: queued.deviceIds,
        commands: queued.commands.map(commandView),
      });
    },
  );

  app.post(
    '/api/signage/devices/:id/commands',
    {
      schema: {
        tags,
        summary: 'Send a command to a screen (admins): delivered on its next poll, or at once if connected',
        params,
        body: z.strictObject({ command: z.enum(DEVICE_COMMANDS) }),
        response: { 201: commandOut },
      },
    },
    async (req, reply) => {
      const sent = await tenant(req, (t) => sendScreenCommand(t, req.params.id, req.body.command));
      return reply.code(201).send(commandView(sent));
    },
  );

  app.get(
    '/api/signage/devices/:id/commands',
    {
      schema: {
        tags,
        summary: "A screen's commands, newest first, with where each stands",
        params,
        querystring: pageQuery.extend({ status: z.enum(COMMAND_STATUSES).optional() }),
        response: { 200: pageOf(commandOut) },
      },
    },
    async (req) => {
      const { limit, cursor, status } = req.query;
      const page = await tenant(req, (t) =>
        listScreenCommands(t, req.params.id, { limit, cursor }, { status }),
      );
      return mapPage(page, commandView);
    },
  );

  app.get(
    '/api/signage/devices/:id/health',
    {
      schema: {
        tags,
        summary:
          'A screen: last seen, what its player reports (version, resolution, storage), last screenshot',
        params,
        response: { 200: healthOut },
      },
    },
    async (req) => healthView(await tenant(req, (t) => screenHealth(t, req.params.id))),
  );

  app.get(
    '/api/signage/devices/:id/screenshot',
    {
      schema: {
        tags,
        summary: "The screen's last screenshot (image; 404 when it never sent one)",
        params,
        querystring: z.object({ v: z.string().max(100).optional() }),
      },
    },
    async (req, reply) => {
      const shot = await tenant(req, (t) => screenshotContent(t, req.params.id));
      return reply
        .type(shot.mimetype)
        .header('content-length', shot.fileSize)
        .header('cache-control', 'private, max-age=3600')
        .header('last-modified', shot.takenAt.toUTCString())
        .send(storage.open(shot.storageKey));
    },
  );
}
