/* Preloaded into an app process (NODE_OPTIONS="-r bench/cpu-profile-hook.js") by a bench
   that wants its CPU profile: the profile is written on SIGTERM, before Nest closes the app
   and re-raises the signal (which --cpu-prof would not survive). CASTAD_CPU_PROFILE names the
   output file. The profiler runs from start-up, or, with CASTAD_CPU_PROFILE_ON=SIGUSR2, from
   that signal on (a bench that warms the app up first: start-up is not what it measures). */
const inspector = require('node:inspector');
const fs = require('node:fs');

const out = process.env.CASTAD_CPU_PROFILE;
if (out) {
  const session = new inspector.Session();
  session.connect();
  const start = () => {
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 500 });
    session.post('Profiler.start');
  };
  if (process.env.CASTAD_CPU_PROFILE_ON === 'SIGUSR2') process.once('SIGUSR2', start);
  else start();
  process.prependListener('SIGTERM', () => {
    // the main-thread session answers synchronously
    session.post('Profiler.stop', (err, res) => {
      if (!err) fs.writeFileSync(out, JSON.stringify(res.profile));
    });
  });
}
