import { useState } from 'react';
import { api, messageOf, type Answer } from '../../api/client';
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

const labelOf = (s: Slot) =>
  s.kind === 'spacer' ? '— blank —' : `${s.performer.name} · ${s.wireless_unit.name} (${s.priority})`;

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
      <h2>Arrange the board</h2>
      <p className="muted small">
        Tiles appear in this order on the wall and on the group&apos;s displays. Blank spacers leave a gap.
      </p>
      <ol className="plain arranger-list">
        {slots.map((s, i) => (
          <li key={s.kind === 'spacer' ? `spacer-${i}` : s.assignment_id} className="row">
            <span className="grow">
              {i + 1}. {labelOf(s)}
            </span>
            <button
              type="button"
              className="small ghost"
              aria-label={`Move ${labelOf(s)} up`}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="small ghost"
              aria-label={`Move ${labelOf(s)} down`}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            <button type="button" className="small ghost" onClick={() => insertSpacer(i)}>
              + blank before
            </button>
            {s.kind === 'spacer' && (
              <button type="button" className="small ghost" onClick={() => remove(i)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ol>
      <ErrorText>{error}</ErrorText>
      <div className="row">
        <button type="button" onClick={() => void save(slots)}>
          Save
        </button>
        <button type="button" className="ghost" onClick={() => setSlots((l) => [...l, { kind: 'spacer' }])}>
          + blank at the end
        </button>
        <button type="button" className="ghost" onClick={() => void save([])}>
          Reset to priority order
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
