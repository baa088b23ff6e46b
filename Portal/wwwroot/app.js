// Marks the page once its interactive circuit is running, so automated checks (and anyone debugging) can tell a
// live page from the prerendered one.
window.portal = {
    markInteractive: () => document.documentElement.setAttribute('data-interactive', 'true'),
};

// Unsaved answers kept in this browser (Features/Evidence/ResponseEditor.razor.js, "portal-draft:" keys) belong to
// the person signed in: they are forgotten when that person signs out, so the next person at a shared computer never
// finds them. Forgotten as the sign-out form is sent, and again on the signed-out page (a sign-out that went round
// Entra ID arrives there too).
(() => {
    const forgetDrafts = () => {
        try {
            Object.keys(localStorage).filter(key => key.startsWith('portal-draft:')).forEach(key => localStorage.removeItem(key));
        } catch {
            // Storage blocked: nothing was kept.
        }
    };
    document.addEventListener('submit', event => {
        if (event.target instanceof HTMLFormElement && new URL(event.target.action, location.href).pathname === '/auth/sign-out') {
            forgetDrafts();
        }
    }, true);
    if (location.pathname === '/sign-in' && new URLSearchParams(location.search).has('signedOut')) {
        forgetDrafts();
    }
})();
