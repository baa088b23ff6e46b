// Where a page's main-thread time goes while it loads and goes live: a Chromium trace with 4x CPU throttling (as
// Lighthouse's mobile profile), printed as the long tasks (30 ms or more) with what runs inside each.
//
// Run after scripts/bench.sh has installed Lighthouse (its puppeteer-core is used) and with a portal running, for
// example the published bench build on the bench database (from artifacts/bench/portal, so its static files are found):
//   cd artifacts/bench/portal && env ASPNETCORE_ENVIRONMENT=Development Database__Provider=Sqlite \
//     "Database__ConnectionString=Data Source=../portal-bench.db" DataProtection__KeysDirectory=../keys \
//     Evidence__StorageDirectory=../evidence Seed__SelfAssessment=false dotnet Portal.dll --urls http://127.0.0.1:5977 &
//   node scripts/bench/trace-page.js http://127.0.0.1:5977 /assessments/87 1
// The last argument is the demo user id signed in through the Development sign-in (1: the procurement officer).
// Blazor's start-up shows as FunctionCall inside the DOMContentLoaded task; going live as tasks of i.onmessage.
const puppeteer = require('../../artifacts/tools/lighthouse/node_modules/puppeteer-core');
const fs = require('fs');
const os = require('os');
const pathModule = require('path');

(async () => {
  const [base, path, userId = '1'] = process.argv.slice(2);
  if (!base || !path) {
    throw new Error('Usage: node scripts/bench/trace-page.js <portal address> <path> [user id]');
  }

  const browser = await puppeteer.launch({ executablePath: process.env.PORTAL_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
  const traceFile = pathModule.join(fs.mkdtempSync(pathModule.join(os.tmpdir(), 'portal-trace-')), 'trace.json');
  try {
    const page = await browser.newPage();
    await page.goto(base + '/sign-in');
    await page.evaluate(async uid => {
      const token = document.querySelector('input[name="__RequestVerificationToken"]').value;
      await fetch('/auth/dev-sign-in', { method: 'POST', body: new URLSearchParams({ __RequestVerificationToken: token, userId: uid, returnUrl: '/' }), credentials: 'include' });
    }, userId);
    // Once to fill the cache, as a person's second visit; then traced.
    await page.goto(base + path);
    await new Promise(resolve => setTimeout(resolve, 2000));
    await page.goto('about:blank');
    const cdp = await page.target().createCDPSession();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.tracing.start({ path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'blink.user_timing'] });
    await page.goto(base + path);
    // Live: a live page's layout marks the document; a page sent without a circuit has no island still waiting.
    await page.waitForFunction(() => document.documentElement.getAttribute('data-interactive') === 'true'
      || (document.querySelector('[data-static-page]') && !document.querySelector("[data-island='waiting']")), { timeout: 30000 });
    await new Promise(resolve => setTimeout(resolve, 1500));
    await page.tracing.stop();
  } finally {
    await browser.close();
  }

  const events = JSON.parse(fs.readFileSync(traceFile)).traceEvents;
  const start = events.filter(e => e.name === 'navigationStart').at(-1)?.ts ?? events[0].ts;
  const tasks = events.filter(e => e.name === 'RunTask' && e.dur >= 30000).sort((a, b) => a.ts - b.ts);
  console.log(`${path}: ${tasks.length} tasks of 30 ms or more (4x throttled); inside each, what took 2 ms or more:`);
  for (const task of tasks) {
    console.log(`task at ${Math.round((task.ts - start) / 1000)} ms, ${Math.round(task.dur / 1000)} ms`);
    events
      .filter(e => e.tid === task.tid && e.pid === task.pid && e.ts >= task.ts && e.ts + (e.dur || 0) <= task.ts + task.dur
        && e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask' && e.dur > 2000)
      .slice(0, 14)
      .forEach(e => {
        const data = e.args?.data ?? {};
        const where = data.url ? data.url.split('/').pop() : data.functionName !== undefined ? `${data.functionName || '(anonymous)'} ${String(data.url ?? '').split('/').pop()}:${data.lineNumber}:${data.columnNumber}` : data.type ?? '';
        console.log(`    +${Math.round((e.ts - task.ts) / 1000)} ms ${Math.round(e.dur / 1000)} ms ${e.name} ${where}`);
      });
  }
})().catch(error => {
  console.error(error);
  process.exit(1);
});
