// Marks the page once its interactive circuit is running, so automated checks (and anyone debugging) can tell a
// live page from the prerendered one.
window.portal = {
    markInteractive: () => document.documentElement.setAttribute('data-interactive', 'true'),
};
