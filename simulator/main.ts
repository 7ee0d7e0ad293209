/**
 * Starts a simulator for manual demos:
 *   npx tsx simulator/main.ts [--port 8080] [--users 200] [--days 7] [--seed demo] [--token <t>] [--scenarios]
 * Prints the org URL and the SSWS token, then serves until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { generateActivity } from './activity.js';
import { generateOrg } from './org.js';
import { SCENARIOS, injectScenario, type ScenarioName } from './scenarios.js';
import { startOktaSimulator } from './server.js';
import { DAY, HOUR } from './time.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    users: { type: 'string', default: '200' },
    days: { type: 'string', default: '7' },
    seed: { type: 'string', default: 'demo' },
    token: { type: 'string', default: 'sim-token-00000000000000000000000000000000' },
    domain: { type: 'string', default: 'acme.example' },
    scenarios: { type: 'boolean', default: false },
  },
});

const now = new Date();
const start = new Date(now.getTime() - Number(values.days) * DAY);
const org = generateOrg({ seed: values.seed, users: Number(values.users), domain: values.domain, asOf: start });
const events = generateActivity(org, { seed: values.seed, start, end: now, now });
if (values.scenarios) {
  // One of each, spread evenly between 48 and 24 hours ago, so detections have something to find and even a
  // scenario that plays out over hours (slow lockouts, a 12-hour absence) is over by now, however many there are.
  const names = Object.keys(SCENARIOS) as ScenarioName[];
  const earliest = Math.max(start.getTime(), now.getTime() - 48 * HOUR);
  const latest = now.getTime() - 24 * HOUR;
  // With less than two days of activity, spread them over what there is.
  const [from, to] = earliest < latest ? [earliest, latest] : [start.getTime(), now.getTime()];
  names.forEach((name, i) => {
    const at = new Date(from + ((i + 0.5) / names.length) * (to - from));
    // Ends by `now` at the latest (a long scenario placed near the end of a short history starts earlier).
    const injection = injectScenario(org, events, name, { seed: values.seed, at, now });
    console.log(`scenario ${injection.label}: ${injection.events.length} events`, JSON.stringify(injection.subjects));
  });
}

const sim = await startOktaSimulator({ port: Number(values.port), token: values.token, org });
sim.addEvents(events);
console.log(`Okta simulator for org "${org.orgName}" at ${sim.url}`);
console.log(`token: ${values.token}   (Authorization: SSWS <token>)`);
console.log(`${org.users.length} users, ${org.devices.length} devices, ${events.length} log events from ${start.toISOString()}`);
console.log(`try: curl -H "Authorization: SSWS ${values.token}" "${sim.url}/api/v1/logs?limit=5"`);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
// Signal listeners drop what they return: `void` says so. A failed close is an unhandled rejection, so a non-zero exit.
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
