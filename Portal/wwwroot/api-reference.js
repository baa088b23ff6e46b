// Loaded by the API reference (/api/docs) before Scalar. Scalar's bundled Zod probes whether it may compile code
// with Function(""), which the Content-Security-Policy (no 'unsafe-eval') refuses and reports as a violation. Zod
// works the same without that speed-up; telling it so up front means it never asks.
globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };
