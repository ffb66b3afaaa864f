// Runs before the app's modules: zod must not probe `new Function` (the hub's Content-Security-Policy forbids
// eval, and the browser reports the blocked probe as a console error even though zod catches it). zod reads
// this object as its global configuration when it loads.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
