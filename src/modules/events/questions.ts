import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { audit } from '../../core/audit/service.ts';
import { liveEvent } from '../../core/events/bus.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { forbidden, unprocessable } from '../../core/http/problem.ts';
import { questionAudience } from './live.ts';
import { hasPaidAccess, myBadge } from './participants.ts';
import { questionPolicy } from './policy.ts';
import { sessionQuestions } from './schema.ts';
import { getEvent, getSession } from './service.ts';
import { questionData } from './views.ts';

export type SessionQuestion = typeof sessionQuestions.$inferSelect;

/**
 * A badge holder asks on a session they may attend: conferences and free ateliers are open to all,
 * a paid atelier needs a SessionAccess marked paid or free.
 */
export async function askQuestion(
  t: TenantTx,
  eventId: string,
  sessionId: string,
  text: string,
): Promise<SessionQuestion> {
  await getEvent(t, eventId);
  const session = await getSession(t, eventId, sessionId);
  const badge = await myBadge(t, eventId);
  if (!badge) throw forbidden('Only participants of the event ask questions');
  if (!(await hasPaidAccess(t, badge.id, session.id))) {
    throw forbidden('This paid atelier needs paid access before you can ask a question');
  }
  const [question] = await t.tx
    .insert(sessionQuestions)
    .values({ orgId: t.orgId, eventId, sessionId, participantId: badge.id, questionText: text })
    .returning();
  await audit(t, {
    action: 'create',
    entityType: 'session_question',
    entityId: question.id,
    message: `Question on "${session.title}"`,
    after: question,
  });
  t.publish(
    liveEvent(
      t.orgId,
      'events.question.asked',
      questionData(question),
      await questionAudience(t, eventId, sessionId),
    ),
  );
  return question;
}

export interface QuestionFilter {
  sessionId?: string;
  answered?: boolean;
}

/** Questions the actor may see, oldest first (the order they were asked in the room). */
export async function listQuestions(t: TenantTx, eventId: string, f: QuestionFilter, page: PageQuery) {
  await getEvent(t, eventId);
  if (f.sessionId) await getSession(t, eventId, f.sessionId);
  const ks = keyset<SessionQuestion>({
    columns: [sessionQuestions.askedAt, sessionQuestions.id],
    key: (q) => [q.askedAt, q.id],
    page,
  });
  const rows = await t.tx
    .select()
    .from(sessionQuestions)
    .where(
      and(
        eq(sessionQuestions.eventId, eventId),
        questionPolicy.visible(t.actor),
        f.sessionId ? eq(sessionQuestions.sessionId, f.sessionId) : undefined,
        f.answered === undefined
          ? undefined
          : f.answered
            ? isNotNull(sessionQuestions.answeredAt)
            : isNull(sessionQuestions.answeredAt),
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

const questionRow = (eventId: string, id: string) =>
  and(eq(sessionQuestions.id, id), eq(sessionQuestions.eventId, eventId))!;

export async function getQuestion(
  t: TenantTx,
  eventId: string,
  id: string,
  action: 'see' | 'answer' = 'see',
): Promise<SessionQuestion> {
  await getEvent(t, eventId);
  return questionPolicy.load(t.tx, t.actor, action, questionRow(eventId, id));
}

/** The gestionnaire holding the session's room right now answers; a second answer replaces the first. */
export async function answerQuestion(
  t: TenantTx,
  eventId: string,
  id: string,
  answer: string,
): Promise<SessionQuestion> {
  const before = await getQuestion(t, eventId, id, 'answer');
  if (!answer.trim())
    throw unprocessable('An answer cannot be empty', [{ path: 'body.answer_text', message: 'empty' }]);
  const [after] = await t.tx
    .update(sessionQuestions)
    .set({ answerText: answer, answeredBy: t.actor.userId, answeredAt: new Date() })
    .where(eq(sessionQuestions.id, id))
    .returning();
  await audit(t, {
    action: 'update',
    entityType: 'session_question',
    entityId: id,
    message: 'Question answered',
    before,
    after,
  });
  t.publish(
    liveEvent(
      t.orgId,
      'events.question.answered',
      questionData(after),
      await questionAudience(t, eventId, after.sessionId, after.participantId),
    ),
  );
  return after;
}
