import { sql, type SQL } from 'drizzle-orm';

/**
 * Content another module adds to what a screen plays (the venue's room panel on a room's screens),
 * appended after its playlist's items. Signage knows no other module; they register here, as
 * access grants do in core. A source is SQL, not a query of its own: it runs inside the poll's one
 * statement, since screens poll often and a second statement per poll doubled the poll's cost.
 *
 * A source is a SELECT over the screen `deviceId` (a uuid expression) of rows `(position, item)`:
 * `item` a json object in the poll's item shape (`id`, `name`, `asset_type`, `mimetype`, `uri`,
 * `storage_key` (null for a link), `md5`, `duration`, `nocache`, `skip_asset_check`), `position`
 * its order among the source's items.
 */
export type ScreenItemSource = (deviceId: SQL) => SQL;

const sources = new Map<string, ScreenItemSource>();

/** Adds a source (a module's `register`); registering the same name again replaces it. */
export function registerScreenItems(name: string, source: ScreenItemSource): void {
  sources.set(name, source);
}

/** The items every registered source adds for the screen, as one json array, sources in registration order. */
export function addedScreenItems(deviceId: SQL): SQL {
  if (sources.size === 0) return sql`'[]'::json`;
  const parts = [...sources.values()].map(
    (source, i) =>
      sql`select ${i}::int as source, added.position, added.item from (${source(deviceId)}) added`,
  );
  return sql`coalesce((select json_agg(all_added.item order by all_added.source, all_added.position)
    from (${sql.join(parts, sql` union all `)}) all_added), '[]')`;
}
