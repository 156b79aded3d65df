import { useState } from 'react';
import { api, messageOf, type Answer } from '../../api/client';
import { useT, type T } from '../../i18n';
import { ErrorText, useLoad } from '../../ui';

type Board = Answer<'/api/monitoring/groups/{id}/board', 'get'>;
type Slot = Board['slots'][number];

/** The saved order of a group's wall (none when no group is chosen). */
export function useBoard(groupId: string) {
  return useLoad(
    async () => (groupId ? api.get('/api/monitoring/groups/{id}/board', { path: { id: groupId } }) : null),
    [groupId],
  );
}

const labelOf = (t: T, s: Slot) =>
  s.kind === 'spacer'
    ? t('monitoring.board.blank')
    : t('monitoring.board.slot', {
        performer: s.performer.name,
        unit: s.wireless_unit.name,
        priority: String(s.priority),
      });

/**
 * Arranges a group's board: move tiles up and down, insert or remove blank spacers, save. The same
 * order is used by the console wall and by the group's side-of-stage displays.
 */
export function Arranger({
  groupId,
  board,
  onClose,
}: {
  groupId: string;
  board: Board;
  onClose: () => void;
}) {
  const t = useT();
  const [slots, setSlots] = useState<Slot[]>(board.slots);
  const [error, setError] = useState('');
  const move = (i: number, by: number) =>
    setSlots((list) => {
      const j = i + by;
      if (j < 0 || j >= list.length) return list;
      const next = [...list];
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });
  const insertSpacer = (i: number) =>
    setSlots((list) => [...list.slice(0, i), { kind: 'spacer' }, ...list.slice(i)]);
  const remove = (i: number) => setSlots((list) => list.filter((_, k) => k !== i));
  async function save(next: Slot[]) {
    try {
      await api.put('/api/monitoring/groups/{id}/board', {
        path: { id: groupId },
        body: {
          slots: next.map((s) =>
            s.kind === 'spacer'
              ? { kind: 'spacer' as const }
              : { kind: 'assignment' as const, assignment_id: s.assignment_id },
          ),
        },
      });
      onClose();
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <div className="form arranger">
      <h2>{t('monitoring.board.title')}</h2>
      <p className="muted small">{t('monitoring.board.help')}</p>
      <ol className="plain arranger-list">
        {slots.map((s, i) => (
          <li key={s.kind === 'spacer' ? `spacer-${i}` : s.assignment_id} className="row">
            <span className="grow">
              {i + 1}. {labelOf(t, s)}
            </span>
            <button
              type="button"
              className="small ghost"
              aria-label={t('monitoring.board.moveUp', { what: labelOf(t, s) })}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="small ghost"
              aria-label={t('monitoring.board.moveDown', { what: labelOf(t, s) })}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            <button type="button" className="small ghost" onClick={() => insertSpacer(i)}>
              {t('monitoring.board.blankBefore')}
            </button>
            {s.kind === 'spacer' && (
              <button type="button" className="small ghost" onClick={() => remove(i)}>
                {t('monitoring.board.remove')}
              </button>
            )}
          </li>
        ))}
      </ol>
      <ErrorText>{error}</ErrorText>
      <div className="row">
        <button type="button" onClick={() => void save(slots)}>
          {t('common.save')}
        </button>
        <button type="button" className="ghost" onClick={() => setSlots((l) => [...l, { kind: 'spacer' }])}>
          {t('monitoring.board.blankAtEnd')}
        </button>
        <button type="button" className="ghost" onClick={() => void save([])}>
          {t('monitoring.board.reset')}
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
