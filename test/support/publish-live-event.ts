/**
 * A second server process in miniature, for test/live.test.ts: connects its own Redis bus and
 * publishes the events given as JSON on argv, then exits.
 * Usage: node --import tsx test/support/publish-live-event.ts <redis-url> '<LiveEvent[] as JSON>'
 */
import { createRedisBus, type LiveEvent } from '../../src/core/events/bus.ts';

const [url, json] = process.argv.slice(2);
const bus = await createRedisBus(url);
for (const event of JSON.parse(json) as LiveEvent[]) await bus.publish(event);
await bus.close();
console.log(`published from pid ${process.pid}`);
