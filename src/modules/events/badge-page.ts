import type { Participant } from './participants.ts';
import type { BADGE_ROLES } from './schema.ts';
import type { Event } from './service.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const ROLE_LABEL: Record<(typeof BADGE_ROLES)[number], string> = {
  participant: 'Participant',
  exposant: 'Exposant',
};

/** The event's days as the badge prints them, in the event's own time zone, then its place. */
function eventDates(event: Event): string {
  const day = (d: Date) =>
    d.toLocaleDateString('fr-FR', {
      timeZone: event.timezone,
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
  return `${day(event.startDate)} – ${day(event.endDate)}${event.location ? ` · ${event.location}` : ''}`;
}

/** The printable badge (A6 portrait): event, name, role, the QR code `svg` and the badge id. */
export function badgePage(event: Event, p: Participant, svg: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Badge — ${escapeHtml(p.fullName)}</title>
<style>
  @page { size: A6 portrait; margin: 0; }
  body { margin: 0; font-family: system-ui, sans-serif; background: #eee; }
  .badge { width: 105mm; height: 148mm; box-sizing: border-box; margin: 10mm auto; padding: 8mm;
    background: #fff; display: flex; flex-direction: column; align-items: center;
    justify-content: space-between; border: 1px solid #ccc; }
  .event { font-size: 14pt; font-weight: 600; text-align: center; }
  .dates { font-size: 9pt; color: #555; }
  .name { font-size: 20pt; font-weight: 700; text-align: center; }
  .role { font-size: 11pt; text-transform: uppercase; letter-spacing: .1em; padding: 1mm 4mm;
    border-radius: 2mm; background: ${p.role === 'exposant' ? '#d97706' : '#2563eb'}; color: #fff; }
  .qr svg { width: 55mm; height: 55mm; }
  .id { font-family: ui-monospace, monospace; font-size: 10pt; }
  @media print { body { background: none; } .badge { margin: 0; border: none; } }
</style></head>
<body><main class="badge">
  <div>
    <div class="event">${escapeHtml(event.name)}</div>
    <div class="dates">${escapeHtml(eventDates(event))}</div>
  </div>
  <div class="name">${escapeHtml(p.fullName)}</div>
  <div class="role">${ROLE_LABEL[p.role]}</div>
  <div class="qr">${svg}</div>
  <div class="id">${escapeHtml(p.badgeId)}</div>
</main></body></html>
`;
}
