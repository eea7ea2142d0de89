/**
 * `npm run chaos -- --seed N --minutes M`: two daemons, 20 companies, the simulator at time scale 60, faults
 * from the matrix drawn by the seed (the schedule is printed first, on stderr); ends with the invariant
 * check and prints one JSON line on stdout. Exits 1 when an invariant was violated.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '30' },
    companies: { type: 'string', default: '20' },
    'time-scale': { type: 'string', default: '60' },
  },
});
const seed = Number(values.seed);
const simulatedMinutes = Number(values.minutes);
const companies = Number(values.companies);
const timeScale = Number(values['time-scale']);
const log = (line: string) => process.stderr.write(`${line}\n`);

// The test helpers read the template database's name when first imported: it is set before they are.
process.env.TEST_TEMPLATE_DATABASE = `sellersync_test_template_${process.pid}`;
const { default: setupTemplate } = await import('../helpers/global-setup.js');
const { drawSchedule, describeFault } = await import('./chaos-schedule.js');
const { runChaos } = await import('./chaos-run.js');
const { FaultWorld } = await import('./world.js');

const schedule = drawSchedule(seed, (simulatedMinutes * 60_000) / timeScale, { companies });
log(`chaos seed ${seed}: ${schedule.length} faults over ${simulatedMinutes} simulated minutes`);
for (const fault of schedule) log(`  ${describeFault(fault)}`);

const dropTemplate = await setupTemplate();
const world = await FaultWorld.start({ seed, sellers: companies, timeScale });
let exitCode = 1;
try {
  // Every company's downloads and uploads scheduled each minute, on both daemons.
  await world.context.db
    .updateTable('companies')
    .set({ download_interval_minutes: 1, upload_interval_minutes: 1 })
    .execute();
  world.cursors.start();
  await Promise.all([world.startDaemon(), world.startDaemon()]);
  const result = await runChaos(world, { seed, simulatedMinutes, timeScale, schedule, log });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  exitCode = result.violations.length === 0 ? 0 : 1;
  if (exitCode !== 0) log(world.problems());
} finally {
  await world.close();
  await dropTemplate();
}
process.exit(exitCode);
