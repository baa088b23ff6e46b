// Marks the page once its interactive circuit is running, so automated checks (and anyone debugging) can tell a
// live page from the prerendered one.
window.portal = {
    markInteractive: () => {
        document.documentElement.setAttribute('data-interactive', 'true');
        portal.sayDrawer?.();
    },
};

// Unsaved answers are kept in this browser as they are typed, so closing the tab, reloading, a slow link or losing the
// connection loses nothing. Written on every keystroke by one listener on the whole document, from the moment the page
// loads: keeping must never wait for the server (a page not yet live, or a server that hangs, would lose the typing).
// An editor (Features/Evidence/ResponseEditor.razor) marks its box with data-draft-key (person, assessment and
// requirement) and data-draft-stamp (the saved answer the typing began from, so text typed over an answer someone else
// has since changed is offered as a choice, never saved over theirs), and each field with data-draft-field.
// Kept text belongs to the person signed in: it is forgotten when they sign out, so the next person at a shared
// computer never finds it; forgotten as the sign-out form is sent, and again on the signed-out page (a sign-out that
// went round Entra ID arrives there too).
window.portal.drafts = (() => {
    const prefix = 'portal-draft:';
    const keptFor = 30 * 24 * 60 * 60 * 1000;
    const read = key => {
        try {
            const kept = JSON.parse(localStorage.getItem(key));
            if (kept && typeof kept.fields === 'object' && Date.now() - kept.at < keptFor) {
                return kept;
            }
        } catch {
            // Unreadable or blocked storage: nothing was kept.
        }
        return null;
    };
    const write = (key, kept) => {
        try {
            if (Object.keys(kept.fields).length === 0) {
                localStorage.removeItem(key);
            } else {
                localStorage.setItem(key, JSON.stringify(kept));
            }
        } catch {
            // Storage full or blocked: the server still saves as usual.
        }
    };
    const forgetAll = () => {
        try {
            Object.keys(localStorage).filter(key => key.startsWith(prefix)).forEach(key => localStorage.removeItem(key));
        } catch {
            // Storage blocked: nothing was kept.
        }
    };

    document.addEventListener('input', event => {
        const target = event.target;
        const field = target instanceof Element ? target.closest('[data-draft-field]')?.dataset.draftField : null;
        const root = field ? target.closest('[data-draft-key]') : null;
        if (!root || !root.dataset.draftKey || target.disabled || target.readOnly) {
            return;
        }
        const key = prefix + root.dataset.draftKey;
        const kept = read(key) ?? { fields: {} };
        const live = root.dataset.draftLive === 'true';
        // Text typed before the page went live is offered back by the live editor once it asks (keep). Until then the
        // live box shows the saved answer, and typing there must not write over the earlier text.
        if (live && kept.early && !root.hasAttribute('data-draft-offered')) {
            return;
        }
        if (Object.keys(kept.fields).length === 0) {
            kept.stamp = root.dataset.draftStamp;
            kept.early = !live;
        }
        kept.fields[field] = target.value;
        kept.at = Date.now();
        write(key, kept);
    }, true);

    document.addEventListener('submit', event => {
        if (event.target instanceof HTMLFormElement && new URL(event.target.action, location.href).pathname === '/auth/sign-out') {
            forgetAll();
        }
    }, true);
    if (location.pathname === '/sign-in' && new URLSearchParams(location.search).has('signedOut')) {
        forgetAll();
    }

    return {
        // What was kept for this editor earlier and not yet saved, if anything (the editor offers it back).
        keep: root => {
            const key = prefix + root.dataset.draftKey;
            const kept = read(key);
            root.setAttribute('data-draft-offered', '');
            if (kept?.early) {
                kept.early = false;
                write(key, kept);
            }
            return kept ? { stamp: kept.stamp || null, at: new Date(kept.at).toISOString(), ...kept.fields } : null;
        },
        // Forgets kept text the portal has now saved (all of it when saved is null); text typed since stays, now
        // counted as typed over the answer just saved.
        forget: (root, saved, stamp) => {
            const key = prefix + root.dataset.draftKey;
            const kept = read(key);
            if (!kept) {
                return;
            }
            for (const [field, value] of Object.entries(kept.fields)) {
                if (saved === null || (saved[field] ?? '').trim() === (value ?? '').trim()) {
                    delete kept.fields[field];
                }
            }
            kept.stamp = stamp || null;
            write(key, kept);
        },
    };
})();

// What a person sees while the page has lost its connection to the portal (the dialog in App.razor, which Blazor finds
// by its id and tells of each change). An instance that has gone cannot take its circuit back: when Blazor reaches an
// instance that no longer knows the circuit ("rejected"), the page reloads, and the load balancer sends it to an
// instance that is alive, where the person is still signed in and their kept answers are offered back.
(() => {
    const dialog = document.getElementById('components-reconnect-modal');
    if (!dialog) {
        return;
    }
    const status = dialog.querySelector('.reconnect__status');
    const kept = dialog.querySelector('#reconnect-kept');
    const buttons = [...dialog.querySelectorAll('[data-reconnect-action]')];
    // On a page sent without a circuit only its forms (islands) need the connection: the notice sits beside the page,
    // which stays readable and keeps focus, rather than a modal over it. What is said of typing is what is true here:
    // answers are kept only where an answer box can be typed in.
    const pageIsStatic = () => document.querySelector('[data-static-page]') !== null;
    const showNotice = () => {
        const keeps = document.querySelector('[data-draft-key] [data-draft-field] :is(input, textarea):not([readonly]):not([disabled])') !== null;
        kept.textContent = keeps
            ? 'Answers you were typing are kept in this browser and offered back when the page returns.'
            : pageIsStatic() ? 'You can go on reading this page. Its forms work again once the connection is back.' : '';
        kept.hidden = kept.textContent === '';
        dialog.classList.toggle('reconnect--beside', pageIsStatic());
        if (pageIsStatic()) {
            dialog.show();
            keepRoom();
        } else {
            dialog.showModal();
        }
    };
    // A link followed from a static page while the connection is lost (the notice does not stop it) may bring a live
    // page, or another static one: the dialog is kept as it is (data-permanent) and shown again as the new page needs.
    document.addEventListener('DOMContentLoaded', () => window.Blazor?.addEventListener?.('enhancedload', () => {
        if (dialog.open) {
            dialog.close();
            showNotice();
        }
    }));
    // Room kept at the foot of the page (app.css) for the notice beside a static page, so what takes focus is never
    // hidden behind it; measured again whenever its words or buttons change its height.
    const keepRoom = () => {
        if (dialog.open && dialog.classList.contains('reconnect--beside')) {
            document.documentElement.style.setProperty('--reconnect-room', `${dialog.offsetHeight + 16}px`);
        }
    };
    const say = (text, action) => {
        status.textContent = text;
        buttons.forEach(button => button.hidden = button.dataset.reconnectAction !== action);
        keepRoom();
    };
    const reload = () => {
        say('Reloading the page...', null);
        location.reload();
    };
    const retryWhenVisible = () => {
        if (document.visibilityState === 'visible') {
            retry();
        }
    };
    async function retry() {
        document.removeEventListener('visibilitychange', retryWhenVisible);
        say('Reconnecting...', null);
        try {
            // true: reconnected; false: the portal answered but no longer holds this page's circuit.
            if (!await Blazor.reconnect() && !await Blazor.resumeCircuit()) {
                reload();
            }
        } catch {
            say('Could not reconnect. Check your connection, then try again.', 'retry');
            document.addEventListener('visibilitychange', retryWhenVisible);
        }
    }
    async function resume() {
        try {
            if (!await Blazor.resumeCircuit()) {
                reload();
            }
        } catch {
            say('Could not carry on where you were. Reload the page to continue.', 'reload');
        }
    }
    const actions = { retry, resume, reload };
    buttons.forEach(button => button.addEventListener('click', () => actions[button.dataset.reconnectAction]()));
    dialog.addEventListener('components-reconnect-state-changed', event => {
        const { state, secondsToNextAttempt } = event.detail;
        if (state === 'show') {
            say('Reconnecting...', null);
            if (!dialog.open) {
                showNotice();
            }
        } else if (state === 'hide') {
            dialog.close();
        } else if (state === 'retrying') {
            say(secondsToNextAttempt > 0
                ? `Could not reconnect yet. Trying again in ${secondsToNextAttempt} second${secondsToNextAttempt === 1 ? '' : 's'}.`
                : 'Reconnecting...', null);
        } else if (state === 'failed') {
            say('Could not reconnect. Check your connection, then try again.', 'retry');
            document.addEventListener('visibilitychange', retryWhenVisible);
        } else if (state === 'paused') {
            say('The portal paused this page to save resources.', 'resume');
        } else if (state === 'resume-failed') {
            say('Could not carry on where you were. Reload the page to continue.', 'reload');
        } else if (state === 'rejected') {
            reload();
        }
    });
    // Escape would hide the dialog over a page that cannot work until it is back.
    dialog.addEventListener('cancel', event => event.preventDefault());
})();

// The navigation drawer opens and closes here, on every page (MainLayout marks its layout data-portal-layout): pages
// without a circuit have nothing on the server to answer the menu button, and live pages need no round trip for it.
// Until the person chooses, the drawer is open on a wide screen and closed on a narrow one (app.css). On a narrow screen
// the open drawer lies over the page: a backdrop under it closes it when clicked, and so do Escape, focus leaving the
// drawer (Tab past its last link) and following one of its links, so nothing a person reaches is hidden beneath it.
// A choice made on a wide screen is kept for the session (a cookie MainLayout reads), so the next page arrives as the
// person left it.
(() => {
    const narrow = matchMedia('(max-width: 959.98px)');
    const isOpen = layout => layout.dataset.drawer ? layout.dataset.drawer === 'open' : !narrow.matches;
    const say = layout => layout.querySelectorAll('[data-portal-drawer-toggle]')
        .forEach(button => button.setAttribute('aria-expanded', String(isOpen(layout))));
    const sayAll = () => document.querySelectorAll('[data-portal-layout]').forEach(say);
    const remember = open => {
        document.cookie = open ? 'portal-drawer=; path=/; max-age=0; samesite=lax' : 'portal-drawer=closed; path=/; samesite=lax';
    };
    const set = (layout, open) => {
        layout.dataset.drawer = open ? 'open' : 'closed';
        say(layout);
    };
    const closeOverPage = (layout, returnFocus) => {
        set(layout, false);
        if (returnFocus) {
            layout.querySelector('[data-portal-drawer-toggle]')?.focus();
        }
    };
    const overPage = layout => layout && narrow.matches && isOpen(layout);
    document.addEventListener('click', event => {
        const target = event.target instanceof Element ? event.target : null;
        const backdrop = target?.closest('[data-portal-drawer-backdrop]');
        const backdropLayout = backdrop?.closest('[data-portal-layout]');
        if (overPage(backdropLayout)) {
            closeOverPage(backdropLayout, true);
            return;
        }
        // A link in the open drawer followed on a narrow screen: the drawer closes, so the page it leads to is seen
        // (a live page moves on without loading the layout again).
        // (Not a click that opens a new tab or window: the page stays.)
        const modified = event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey;
        const link = modified ? null : target?.closest('#portal-drawer a[href]');
        const linkLayout = link?.closest('[data-portal-layout]');
        if (overPage(linkLayout)) {
            set(linkLayout, false);
            return;
        }
        const toggle = target?.closest('[data-portal-drawer-toggle]');
        const layout = toggle?.closest('[data-portal-layout]');
        if (!layout) {
            return;
        }
        const open = !isOpen(layout);
        set(layout, open);
        if (narrow.matches) {
            if (open) {
                layout.querySelector('#portal-drawer a')?.focus();
            }
        } else {
            remember(open);
        }
    });
    document.addEventListener('keydown', event => {
        const layout = document.querySelector('[data-portal-layout]');
        if (event.key === 'Escape' && overPage(layout)) {
            closeOverPage(layout, true);
        }
    });
    // Focus that leaves the open drawer for the page beneath it closes the drawer, so what now has focus is seen.
    document.addEventListener('focusout', event => {
        const drawer = event.target instanceof Element ? event.target.closest('#portal-drawer') : null;
        const layout = drawer?.closest('[data-portal-layout]');
        if (overPage(layout) && event.relatedTarget instanceof Node && !drawer.contains(event.relatedTarget)) {
            closeOverPage(layout, false);
        }
    });
    narrow.addEventListener('change', sayAll);
    // A live page's circuit replaces the prerendered layout with its own render: say again what the toggle does.
    portal.sayDrawer = sayAll;
    document.addEventListener('DOMContentLoaded', () => {
        sayAll();
        // Enhanced navigation brings a new static page without a load event.
        window.Blazor?.addEventListener?.('enhancedload', sayAll);
    });
})();

// A form posted back to a page without a circuit: the button pressed says it is working, and the form is not sent
// again while the post is under way (a double click, or a second press on a slow link, would act twice). The page that
// comes back replaces the form. The button is marked aria-disabled rather than disabled: a disabled button's name and
// value are not sent, and the Accept buttons say by theirs which invitation was accepted. Runs before Blazor's own
// listener (app.js loads first), so a form it enhances is held back too. A post that never comes back (the network
// failed, or the person pressed Stop) frees the form after a while, and so does the end of an enhanced post, and a
// page the browser kept whole when the person comes back to it. Live pages have their own busy flags.
(() => {
    const release = form => {
        clearTimeout(Number(form.dataset.portalBusy));
        form.removeAttribute('data-portal-busy');
        form.querySelectorAll('[data-portal-label]').forEach(button => {
            (button.querySelector('.mud-button-label') ?? button).innerHTML = button.dataset.portalLabel;
            button.removeAttribute('aria-disabled');
            button.removeAttribute('aria-busy');
            delete button.dataset.portalLabel;
            if (button.dataset.portalName !== undefined) {
                button.setAttribute('aria-label', button.dataset.portalName);
                delete button.dataset.portalName;
            }
        });
    };
    const releaseAll = () => document.querySelectorAll('form[data-portal-busy]').forEach(release);
    document.addEventListener('submit', event => {
        const form = event.target instanceof HTMLFormElement ? event.target : null;
        if (!form || !form.closest('[data-static-page]')) {
            return;
        }
        if (form.hasAttribute('data-portal-busy')) {
            event.preventDefault();
            return;
        }
        const button = event.submitter
            ? (event.submitter.matches('[data-busy-text]') ? event.submitter : null)
            : form.querySelector('button[type="submit"][data-busy-text]');
        if (!button) {
            return;
        }
        form.dataset.portalBusy = String(setTimeout(() => release(form), 30000));
        button.setAttribute('aria-disabled', 'true');
        button.setAttribute('aria-busy', 'true');
        const label = button.querySelector('.mud-button-label') ?? button;
        button.dataset.portalLabel = label.innerHTML;
        label.textContent = button.dataset.busyText;
        // A button named for a screen reader (Accept, with the invitation) says it is working too.
        if (button.hasAttribute('aria-label')) {
            button.dataset.portalName = button.getAttribute('aria-label');
            button.setAttribute('aria-label', `${button.dataset.busyText} ${button.dataset.portalName}`);
        }
    });
    window.addEventListener('pageshow', event => {
        if (event.persisted) {
            releaseAll();
        }
    });
    document.addEventListener('DOMContentLoaded', () => window.Blazor?.addEventListener?.('enhancednavigationend', releaseAll));
})();

// After an enhanced navigation to another address of the same page (another page of a list, a filter applied), or the
// same page fetched again, Blazor leaves focus where it was (its FocusOnNavigate moves focus only when the path changes),
// which suits a person pressing "Next page" again. When the element that had focus went with the old content, focus
// would fall back to the top of the document: it goes to the page's heading instead, as after a page load. A form posted
// back to the same address (Recalculate, Verify) keeps its focus: its result is shown where the person is.
document.addEventListener('DOMContentLoaded', () => {
    window.Blazor?.addEventListener?.('enhancedload', () => {
        // Focus that survived (kept elements keep it, as after Recalculate or Verify) is left where it is. Focus whose
        // element went (a form taken away after its command, such as the withdrawal, which fetches the same address
        // again) would fall to the top of the document: it goes to the heading too.
        if (document.activeElement && document.activeElement !== document.body) {
            return;
        }
        const heading = document.querySelector('main h1') ?? document.querySelector('h1');
        if (heading) {
            if (!heading.hasAttribute('tabindex')) {
                heading.tabIndex = -1;
            }
            heading.focus();
        }
    });
});

// A MudBlazor text field on a page without a circuit (a GET search form): its label moves above what is typed, as the
// live field's does when the circuit tells it, rather than lying over the text once focus has moved on.
document.addEventListener('input', event => {
    const input = event.target instanceof HTMLInputElement ? event.target : null;
    // An island's field (a live form on such a page) is kept by its circuit.
    if (input && !input.closest('[data-island]')) {
        input.closest('[data-static-page] .mud-input')?.classList.toggle('mud-shrink', input.value !== '');
    }
});

// A form on a page sent without a circuit (an island, Components/Shared/Island.cs) is disabled until its circuit comes.
// If none has come after a while (Blazor's script blocked, a proxy that refuses the live connection), each such form
// says why it is grey and what to do, in its WaitingNote, rather than stay disabled without a word. A form that goes
// live later is rendered again by its circuit, without the note.
(() => {
    const patience = 15000;
    let timer;
    const say = () => document.querySelectorAll('[data-island="waiting"] [data-island-waiting-note]').forEach(note => {
        note.textContent = 'This form is not connected to the portal yet, so it cannot be used. Reload the page. If it '
            + 'happens again, your network may be blocking the portal\'s live connection: tell your IT service desk.';
    });
    const watch = () => {
        clearTimeout(timer);
        if (document.querySelector('[data-island="waiting"]')) {
            timer = setTimeout(say, patience);
        }
    };
    document.addEventListener('DOMContentLoaded', () => {
        watch();
        window.Blazor?.addEventListener?.('enhancedload', watch);
    });
})();
