import { z } from 'zod';
import { invitationOut, invitationView } from '../identity/views.ts';
import type { ImportPreview } from './registration-import.ts';
import type { MemberCandidate, StaffInvitation } from './roles.ts';
import { BADGE_ROLES, EVENT_ROLES } from './schema.ts';
import { assignmentOut, assignmentView } from './views.ts';

export const memberCandidateOut = z.object({
  user_id: z.number(),
  username: z.string(),
  full_name: z.string(),
  email: z.string().nullable(),
  assignment: z.object({ id: z.string(), role: z.enum(EVENT_ROLES) }).nullable(),
});
export const memberCandidateView = (m: MemberCandidate): z.infer<typeof memberCandidateOut> => ({
  user_id: m.userId,
  username: m.username,
  full_name: m.fullName,
  email: m.email,
  assignment: m.assignment,
});

export const staffInvitationOut = z.discriminatedUnion('status', [
  z.object({ status: z.literal('assigned'), assignment: assignmentOut }),
  z.object({ status: z.literal('invited'), invitation: invitationOut }),
]);
export const staffInvitationView = (r: StaffInvitation): z.infer<typeof staffInvitationOut> =>
  r.kind === 'assigned'
    ? { status: 'assigned', assignment: assignmentView(r.assignment) }
    : { status: 'invited', invitation: invitationView(r.invitation) };

const rowErrorOut = z.object({
  line: z.number(),
  column: z.string().nullable(),
  message: z.string(),
});
export const importPreviewOut = z.object({
  dry_run: z.literal(true),
  total: z.number(),
  valid: z.number(),
  rows: z.array(
    z.object({
      line: z.number(),
      full_name: z.string(),
      email: z.string().nullable(),
      role: z.enum(BADGE_ROLES),
      user_id: z.number().nullable(),
      username: z.string().nullable(),
    }),
  ),
  errors: z.array(rowErrorOut),
});
export const importPreviewView = (p: ImportPreview): z.infer<typeof importPreviewOut> => ({
  dry_run: true,
  total: p.rows.length + new Set(p.errors.map((e) => e.line)).size,
  valid: p.rows.length,
  rows: p.rows.map((r) => ({
    line: r.line,
    full_name: r.fullName,
    email: r.email,
    role: r.role,
    user_id: r.userId,
    username: r.username,
  })),
  errors: p.errors,
});
