import type { FastifyRequest } from 'fastify';
import type { TenantTx } from '../../core/db/tenant.ts';
import { actorOf, tenant } from '../../core/http/app.ts';
import { forbidden } from '../../core/http/problem.ts';

/** Console routes are for people and API keys; a screen's token only opens /api/device/. */
export function refuseScreens(req: FastifyRequest) {
  if (actorOf(req).via === 'device') throw forbidden('Device tokens may only call /api/device/');
}

/** The tenant transaction of a console route (people and API keys). */
export function consoleTenant<T>(req: FastifyRequest, fn: (t: TenantTx) => Promise<T>): Promise<T> {
  refuseScreens(req);
  return tenant(req, fn);
}

/** The actor of a screen-facing route: only a device token. */
export function screenActor(req: FastifyRequest) {
  const actor = actorOf(req);
  if (actor.via !== 'device') throw forbidden('Only a screen (device token) may call /api/device/');
  return actor;
}

/** The tenant transaction of a screen-facing route. */
export function screenTenant<T>(req: FastifyRequest, fn: (t: TenantTx) => Promise<T>): Promise<T> {
  screenActor(req);
  return tenant(req, fn);
}
