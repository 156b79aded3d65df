import assert from 'node:assert/strict';
import type { Client } from '../../../test/support/env.ts';

/** The demo plants (and one more), created through the API by an admin. */
export interface Plants {
  unit: Record<'MUM' | 'PUN' | 'BLR' | 'DEL', number>;
  dept: {
    MUM: Record<'QC' | 'Production' | 'R&D' | 'Regulatory', number>;
    PUN: Record<'QA' | 'QC' | 'Production', number>;
    BLR: Record<'QC' | 'Packaging', number>;
    DEL: Record<'Stores' | 'Dispatch', number>;
  };
  section: Record<'Quality Control' | 'QC', number>;
}

const LAYOUT = {
  MUM: ['Mumbai Plant', ['QC', 'Production', 'R&D', 'Regulatory']],
  PUN: ['Pune Plant', ['QA', 'QC', 'Production']],
  BLR: ['Bangalore Plant', ['QC', 'Packaging']],
  DEL: ['Delhi Plant', ['Stores', 'Dispatch']],
} as const;

export async function createPlants(admin: Client): Promise<Plants> {
  const unit: Record<string, number> = {};
  const dept: Record<string, Record<string, number>> = {};
  for (const [code, [name, departments]] of Object.entries(LAYOUT)) {
    const u = await admin.post('/api/auth/units/', {
      unit_name: name,
      unit_code: code,
      location: name.split(' ')[0],
    });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    unit[code] = u.body.id;
    dept[code] = {};
    for (const d of departments) {
      const r = await admin.post('/api/auth/departments/', { unit_id: u.body.id, department_name: d });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      dept[code][d] = r.body.id;
    }
  }
  const section: Record<string, number> = {};
  for (const name of ['Quality Control', 'QC']) {
    const s = await admin.post('/api/auth/sections/', { section_name: name });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    section[name] = s.body.id;
  }
  return { unit, dept, section } as unknown as Plants;
}
