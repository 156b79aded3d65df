import { z } from 'zod';
import { uuidParam } from '../../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../../core/http/app.ts';
import { getBoard, saveBoard } from '../boards.ts';
import { boardOut, boardView } from '../views.ts';
import { base, idParams, tags } from './common.ts';

const slotIn = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('assignment'), assignment_id: uuidParam }),
  z.strictObject({ kind: z.literal('spacer') }),
]);

/** The arranged order of a group's wall, shared by the console wall and the group's displays. */
export function registerBoardRoutes(app: RosterApp) {
  app.get(
    `${base}/groups/:id/board`,
    {
      schema: {
        tags,
        summary: "A group's wall in its arranged order, with spacers; unplaced assignments follow",
        params: idParams,
        response: { 200: boardOut },
      },
    },
    (req) => tenant(req, async (t) => boardView(await getBoard(t, req.params.id))),
  );
  app.put(
    `${base}/groups/:id/board`,
    {
      schema: {
        tags,
        summary: 'Arrange the wall of a group: its slots in order (members who assign in it; [] resets)',
        params: idParams,
        body: z.strictObject({ slots: z.array(slotIn).max(500) }),
        response: { 200: boardOut },
      },
    },
    (req) => {
      const order = req.body.slots.map((s) => (s.kind === 'spacer' ? null : s.assignment_id));
      return tenant(req, async (t) => boardView(await saveBoard(t, req.params.id, order)));
    },
  );
}
