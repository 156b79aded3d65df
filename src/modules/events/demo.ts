import type { TenantTx } from '../../core/db/tenant.ts';
import { recordLead } from './exhibitors.ts';
import {
  checkInParticipant,
  registerParticipant,
  setSessionAccess,
  type Participant,
} from './participants.ts';
import { assignRoom, createEvent, createRoom, createSession } from './service.ts';
import { assignEventRole } from './roles.ts';
import { participants } from './schema.ts';
import { and, eq } from 'drizzle-orm';

const HOUR = 3600_000;

/**
 * The demo event is built around the moment the demo starts, so "my room now" and the session in
 * progress are there whenever someone tries it: staff hold a room from 4 h ago to 8 h from now
 * (their "morning") and another one after that (their "evening").
 */
export async function seedEventsDemo(t: TenantTx, users: Record<string, number>): Promise<void> {
  const now = Date.now();
  const hourAligned = Math.floor(now / HOUR) * HOUR;
  const at = (hours: number) => new Date(hourAligned + hours * HOUR);
  const event = await createEvent(t, {
    name: 'Demo Tech Days',
    description: 'Two days of conferences and hands-on ateliers.',
    location: 'Palais des Congrès',
    startDate: at(-12),
    endDate: at(36),
    status: 'published',
    presidentId: users.admin ?? null,
  });
  const [salle1, salle2, salle3] = [
    await createRoom(t, event.id, {
      name: 'Salle 1',
      description: 'Main auditorium',
      location: 'Ground floor',
      capacity: 300,
    }),
    await createRoom(t, event.id, {
      name: 'Salle 2',
      description: 'Atelier room',
      location: 'First floor',
      capacity: 30,
    }),
    await createRoom(t, event.id, {
      name: 'Salle 3',
      description: 'Small conference room',
      location: 'First floor',
      capacity: 80,
    }),
  ];
  const programme: Array<[typeof salle1, number, number, string, 'conference' | 'atelier', string]> = [
    [salle1, -3, -1, 'Opening keynote', 'conference', '0'],
    [salle1, -1, 1, 'The state of the web', 'conference', '0'],
    [salle1, 1, 3, 'Scaling Postgres', 'conference', '0'],
    [salle1, 4, 6, 'Closing panel', 'conference', '0'],
    [salle2, -2, 0, 'Hands-on: TypeScript basics', 'atelier', '0'],
    [salle2, 0, 2, 'Hands-on: building APIs (paid)', 'atelier', '25.00'],
    [salle2, 3, 5, 'Hands-on: testing', 'atelier', '0'],
    [salle3, -1, 1, 'Security in practice', 'conference', '0'],
    [salle3, 2, 4, 'Accessibility for everyone', 'conference', '0'],
  ];
  const made = [];
  for (const [room, from, to, title, sessionType, price] of programme) {
    const session = await createSession(t, event.id, {
      roomId: room.id,
      title,
      speakerName: 'Demo Speaker',
      startTime: at(from),
      endTime: at(to),
      sessionType,
      isPaid: Number(price) > 0,
      price,
    });
    made.push(session);
  }
  const paidNow = made.find((s) => s.isPaid)!;
  const staff: Array<
    [string, 'gestionnaire_des_salles' | 'controlleur_des_badges', typeof salle1, typeof salle1]
  > = [
    ['gestionnaire', 'gestionnaire_des_salles', salle1, salle3],
    ['controleur', 'controlleur_des_badges', salle2, salle1],
  ];
  for (const [username, role, morning, evening] of staff) {
    if (!users[username]) continue;
    await assignEventRole(t, event.id, { userId: users[username], role });
    await assignRoom(t, event.id, {
      userId: users[username],
      roomId: morning.id,
      role,
      startsAt: new Date(now - 4 * HOUR),
      endsAt: new Date(now + 8 * HOUR),
    });
    await assignRoom(t, event.id, {
      userId: users[username],
      roomId: evening.id,
      role,
      startsAt: new Date(now + 8 * HOUR),
      endsAt: new Date(now + 20 * HOUR),
    });
  }
  const badges: Participant[] = [];
  for (const [username, role] of [
    ['participant', 'participant'],
    ['exposant', 'exposant'],
  ] as const) {
    if (!users[username]) continue;
    await assignEventRole(t, event.id, { userId: users[username], role });
    const [p] = await t.tx
      .select()
      .from(participants)
      .where(and(eq(participants.eventId, event.id), eq(participants.userId, users[username])));
    badges.push(p);
  }
  // The participant is already through the entrance and has paid the atelier running now in the
  // controller's room, so their first door scan is let in.
  const participant = badges.find((b) => b.role === 'participant');
  if (participant) {
    await checkInParticipant(t, event.id, participant.id);
    await setSessionAccess(t, event.id, paidNow.id, { participantId: participant.id, paymentStatus: 'paid' });
  }
  // Someone checked in who has not paid it: the door shows the paid-atelier refusal with their badge.
  const unpaid = await registerParticipant(t, event.id, { fullName: 'Alex Unpaid', role: 'participant' });
  await checkInParticipant(t, event.id, unpaid.id);
  // A few leads at the exposant's stand, rated and tagged.
  const stand = badges.find((b) => b.role === 'exposant');
  if (stand) {
    const visitors = [participant, unpaid].filter((p): p is Participant => p !== undefined);
    for (const name of ['Camille Durand', 'Sam Lee']) {
      const p = await registerParticipant(t, event.id, { fullName: name, role: 'participant' });
      await checkInParticipant(t, event.id, p.id);
      visitors.push(p);
    }
    const leads: Array<[number, string[], string]> = [
      [5, ['hot', 'api'], 'Wants a demo for their team next week'],
      [3, ['newsletter'], 'Asked about pricing'],
      [1, [], 'Just passing by'],
      [4, ['partner', 'api'], 'Integrator, call back'],
    ];
    for (const [i, visitor] of visitors.entries()) {
      const [rating, tags, notes] = leads[i % leads.length];
      await recordLead(t, event.id, stand, visitor.id, { rating, tags, notes });
    }
  }
}
