import crypto from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import type { Config } from '../../core/config.ts';
import { liveEvent, ORG_ADMINS, type EventBus } from '../../core/events/bus.ts';
import { withOrgAsPlatform, type TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { auditChange } from './changes.ts';
import { organizations } from '../../core/db/platform-schema.ts';
import { HttpProblem, badRequest, conflict, notFound } from '../../core/http/problem.ts';
import { phrase, type ProblemText } from '../../core/http/problem-texts.ts';
import { currentPlan, setOrgPlan } from './plans.ts';
import { systemActor } from '../../core/access/actor.ts';
import {
  PLAN_NAMES,
  signageExternalSubscriptions,
  signageSubscriptions,
  signageWebhookEvents,
  type PlanName,
  type SubscriptionStatus,
} from './schema.ts';
import { subscriptionView } from './views.ts';

/** Stripe's default: a signature older (or newer) than five minutes is refused as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The webhook signing secret: STRIPE_WEBHOOK_SECRET, else one derived from the server secret
 * (`roster signage webhook-secret` prints it), so every instance sharing ROSTER_SECRET agrees.
 */
export function webhookSecret(config: Pick<Config, 'secret' | 'stripeWebhookSecret'>): string {
  if (config.stripeWebhookSecret) return config.stripeWebhookSecret;
  const serverSecret = config.secret;
  return `whsec_${crypto.createHmac('sha256', serverSecret).update('roster:signage:stripe-webhook').digest('base64url')}`;
}

export function signPayload(secret: string, timestamp: number, rawBody: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** Stripe's scheme: `Stripe-Signature: t=<unix>,v1=<hex hmac of "t.body">[,v1=…]`. */
export function verifyStripeSignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
) {
  if (!header) throw badRequest('Missing Stripe-Signature header');
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v);
  const timestamp = t && /^\d{1,12}$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(timestamp) || signatures.length === 0)
    throw badRequest('Malformed Stripe-Signature header (expected t=…,v1=…)');
  const expected = Buffer.from(signPayload(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!matches) throw badRequest('Stripe signature does not match');
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS)
    throw badRequest(phrase('billing.stale', { seconds: SIGNATURE_TOLERANCE_SECONDS }));
}

type SubscriptionRow = typeof signageSubscriptions.$inferSelect;

export async function getSubscription(t: TenantTx): Promise<SubscriptionRow> {
  requireOrgAdmin(t.actor, 'see the subscription');
  const [row] = await t.tx.select().from(signageSubscriptions);
  if (!row) throw notFound('Subscription');
  return row;
}

// ---------------------------------------------------------------- Stripe events

/** The parts of Stripe objects Roster reads; everything else in the payload is ignored. */
interface StripePrice {
  unit_amount?: number | null;
  currency?: string;
  lookup_key?: string | null;
  recurring?: { interval?: string } | null;
  metadata?: Record<string, string>;
}
interface StripeSubscription {
  id: string;
  status?: string;
  metadata?: Record<string, string>;
  trial_end?: number | null;
  current_period_start?: number;
  current_period_end?: number;
  items?: {
    data?: Array<{ price?: StripePrice; current_period_start?: number; current_period_end?: number }>;
  };
}
export interface StripeEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

const unprocessableEvent = (detail: ProblemText) => new HttpProblem(422, 'Unprocessable Entity', detail);

/** Stripe has more states than Roster's four; the extra ones fold into the nearest. */
function statusOf(stripeStatus: string | undefined, deleted: boolean): SubscriptionStatus {
  if (deleted) return 'canceled';
  switch (stripeStatus) {
    case 'trialing':
      return 'trialing';
    case 'active':
      return 'active';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return 'past_due'; // past_due, unpaid, incomplete, paused: payment needs attention
  }
}

function planOf(sub: StripeSubscription): PlanName | undefined {
  const price = sub.items?.data?.[0]?.price;
  const name = sub.metadata?.plan ?? price?.lookup_key ?? price?.metadata?.plan ?? undefined;
  if (name === undefined || name === null) return undefined;
  if (!(PLAN_NAMES as readonly string[]).includes(name))
    throw unprocessableEvent(phrase('billing.unknownPlan', { plan: name, plans: PLAN_NAMES.join(', ') }));
  return name as PlanName;
}

const fromUnix = (s: number | null | undefined) => (typeof s === 'number' ? new Date(s * 1000) : null);

async function orgOfExternalId(tx: Db, externalId: string) {
  const [row] = await tx
    .select({ orgId: signageExternalSubscriptions.orgId })
    .from(signageExternalSubscriptions)
    .where(eq(signageExternalSubscriptions.externalId, externalId));
  return row?.orgId;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The org an event concerns: known subscription id first, else `metadata.org_id` set at checkout. */
async function resolveOrg(db: Db, externalId: string, metadataOrg: string | undefined) {
  const known = await orgOfExternalId(db, externalId);
  if (known) return known;
  if (metadataOrg && UUID.test(metadataOrg)) {
    const [org] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, metadataOrg));
    if (org) return org.id;
  }
  throw unprocessableEvent(
    'The subscription is not linked to an organization (set metadata.org_id on the Stripe subscription)',
  );
}

/** Effective limits follow the subscription: a canceled one drops the org to free. */
async function applyPlan(t: TenantTx, plan: PlanName, status: SubscriptionStatus) {
  const effective: PlanName = status === 'canceled' ? 'free' : plan;
  if ((await currentPlan(t)).plan !== effective) await setOrgPlan(t, effective);
}

async function upsertSubscription(t: TenantTx, sub: StripeSubscription, deleted: boolean) {
  const [existing] = await t.tx
    .select()
    .from(signageSubscriptions)
    .where(eq(signageSubscriptions.orgId, t.orgId));
  // An older subscription ended: the current one stands.
  if (deleted && existing && existing.externalSubscriptionId !== sub.id) return null;
  const item = sub.items?.data?.[0];
  const plan = planOf(sub) ?? existing?.planName;
  if (!plan)
    throw unprocessableEvent("The subscription names no plan (metadata.plan or the price's lookup_key)");
  const status = statusOf(sub.status, deleted);
  const periodStart =
    fromUnix(sub.current_period_start ?? item?.current_period_start) ??
    existing?.currentPeriodStart ??
    new Date();
  const periodEnd =
    fromUnix(sub.current_period_end ?? item?.current_period_end) ?? existing?.currentPeriodEnd ?? periodStart;
  const values = {
    planName: plan,
    ...(item?.price?.unit_amount != null ? { planPrice: (item.price.unit_amount / 100).toFixed(2) } : {}),
    ...(item?.price?.currency ? { currency: item.price.currency } : {}),
    ...(item?.price?.recurring?.interval
      ? {
          billingCycle: item.price.recurring.interval === 'year' ? ('yearly' as const) : ('monthly' as const),
        }
      : {}),
    status,
    trialEndsAt: fromUnix(sub.trial_end) ?? (sub.trial_end === null ? null : (existing?.trialEndsAt ?? null)),
    currentPeriodStart: periodStart,
    currentPeriodEnd: periodEnd,
    externalSubscriptionId: sub.id,
  };

  // The platform lookup row makes the provider id unique across every org.
  await t.tx
    .insert(signageExternalSubscriptions)
    .values({ externalId: sub.id, orgId: t.orgId })
    .onConflictDoNothing();
  if ((await orgOfExternalId(t.tx, sub.id)) !== t.orgId)
    throw conflict('The subscription belongs to another organization');

  let row: SubscriptionRow;
  if (existing) {
    [row] = await t.tx
      .update(signageSubscriptions)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(signageSubscriptions.id, existing.id))
      .returning();
    await t.tx
      .delete(signageExternalSubscriptions)
      .where(
        and(
          eq(signageExternalSubscriptions.orgId, t.orgId),
          ne(signageExternalSubscriptions.externalId, sub.id),
        ),
      );
  } else {
    [row] = await t.tx
      .insert(signageSubscriptions)
      .values({ orgId: t.orgId, ...values })
      .returning();
  }
  const message = `Subscription ${sub.id}: ${row.planName}, ${row.status}`;
  await auditChange(
    t,
    { ...SUBSCRIPTION, entityId: row.id, message },
    subscriptionView,
    existing ?? null,
    row,
  );
  await applyPlan(t, row.planName, row.status);
  return row;
}

const SUBSCRIPTION = { entityType: 'signage_subscription' };

async function markPastDue(t: TenantTx, externalId: string) {
  const [existing] = await t.tx
    .select()
    .from(signageSubscriptions)
    .where(eq(signageSubscriptions.externalSubscriptionId, externalId));
  if (!existing || existing.status === 'canceled') return existing ?? null;
  const [row] = await t.tx
    .update(signageSubscriptions)
    .set({ status: 'past_due', updatedAt: new Date() })
    .where(eq(signageSubscriptions.id, existing.id))
    .returning();
  const message = `Invoice payment failed for ${externalId}`;
  await auditChange(t, { ...SUBSCRIPTION, entityId: row.id, message }, subscriptionView, existing, row);
  return row;
}

const HANDLED = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.payment_failed',
];

/** Where an invoice names its subscription (older and newer Stripe API versions). */
function invoiceSubscription(invoice: Record<string, unknown>): string | undefined {
  const direct = invoice.subscription;
  if (typeof direct === 'string') return direct;
  if (direct && typeof direct === 'object' && typeof (direct as { id?: unknown }).id === 'string')
    return (direct as { id: string }).id;
  const nested = (invoice.parent as { subscription_details?: { subscription?: unknown } } | undefined)
    ?.subscription_details?.subscription;
  return typeof nested === 'string' ? nested : undefined;
}

/**
 * Applies one verified event, exactly once: the event id is recorded in the same transaction as
 * the change, so a redelivery (Stripe retries until it sees a 2xx) finds it and changes nothing.
 */
export async function applyStripeEvent(deps: { db: Db; bus: EventBus }, event: StripeEvent) {
  const [seen] = await deps.db
    .select({ id: signageWebhookEvents.eventId })
    .from(signageWebhookEvents)
    .where(eq(signageWebhookEvents.eventId, event.id));
  if (seen) return { received: true, duplicate: true };
  if (!HANDLED.includes(event.type)) {
    await deps.db
      .insert(signageWebhookEvents)
      .values({ eventId: event.id, type: event.type })
      .onConflictDoNothing();
    return { received: true, ignored: true };
  }
  const object = event.data.object;
  const externalId =
    event.type === 'invoice.payment_failed' ? invoiceSubscription(object) : (object.id as string | undefined);
  if (!externalId) throw badRequest('The event names no subscription');
  const metadata = object.metadata as Record<string, string> | undefined;
  const orgId = await resolveOrg(
    deps.db,
    externalId,
    event.type === 'invoice.payment_failed' ? undefined : metadata?.org_id,
  );
  return withOrgAsPlatform(deps, systemActor(orgId, 'stripe-webhook'), async (t) => {
    // Inserted first so two concurrent deliveries of one event serialize on its primary key.
    const [fresh] = await t.tx
      .insert(signageWebhookEvents)
      .values({ eventId: event.id, type: event.type, orgId })
      .onConflictDoNothing()
      .returning();
    if (!fresh) return { received: true, duplicate: true };
    const row =
      event.type === 'invoice.payment_failed'
        ? await markPastDue(t, externalId)
        : await upsertSubscription(
            t,
            object as unknown as StripeSubscription,
            event.type === 'customer.subscription.deleted',
          );
    if (row)
      t.publish(
        liveEvent(
          orgId,
          'signage.subscription.updated',
          { status: row.status, plan_name: row.planName },
          ORG_ADMINS,
        ),
      );
    return { received: true, ...(row ? { status: row.status, plan_name: row.planName } : {}) };
  });
}
