/* Preloaded into an app process (NODE_OPTIONS="-r bench/cpu-profile-hook.js") by a bench
   that wants its CPU profile: the profiler runs from start-up and the profile is written on
   SIGTERM, before Nest closes the app and re-raises the signal (which --cpu-prof would not
   survive). CASTAD_CPU_PROFILE names the output file. */
const inspector = require('node:inspector');
const fs = require('node:fs');

const out = process.env.CASTAD_CPU_PROFILE;
if (out) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.prependListener('SIGTERM', () => {
    // the main-thread session answers synchronously
    session.post('Profiler.stop', (err, res) => {
      if (!err) fs.writeFileSync(out, JSON.stringify(res.profile));
    });
  });
}
