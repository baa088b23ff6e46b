// Keeps what a supplier types in this browser until the portal has saved it, so closing the tab, reloading or
// losing the connection loses nothing. Written on every keystroke in the browser itself: it must not depend on
// the connection to the server. Kept per person, assessment and requirement (data-draft-key) with the stamp of the
// saved answer the typing began from (data-draft-stamp), so text typed over an answer someone else has since changed
// is offered as a choice, never saved over theirs.
const prefix = 'portal-draft:';
const keptFor = 30 * 24 * 60 * 60 * 1000;

function read(key) {
    try {
        const kept = JSON.parse(localStorage.getItem(key));
        if (kept && typeof kept.fields === 'object' && Date.now() - kept.at < keptFor) {
            return kept;
        }
    } catch {
        // Unreadable or blocked storage: nothing was kept.
    }
    return null;
}

function write(key, kept) {
    try {
        if (Object.keys(kept.fields).length === 0) {
            localStorage.removeItem(key);
        } else {
            localStorage.setItem(key, JSON.stringify(kept));
        }
    } catch {
        // Storage full or blocked: the server still saves as usual.
    }
}

// Starts keeping what is typed in the editor and returns what was kept earlier and not yet saved, if anything.
export function keep(root) {
    const key = prefix + root.dataset.draftKey;
    root.addEventListener('input', event => {
        const field = event.target.closest('[data-draft-field]')?.dataset.draftField;
        if (!field) {
            return;
        }
        const kept = read(key) ?? { fields: {} };
        if (Object.keys(kept.fields).length === 0) {
            kept.stamp = root.dataset.draftStamp;
        }
        kept.fields[field] = event.target.value;
        kept.at = Date.now();
        write(key, kept);
    });
    const kept = read(key);
    return kept ? { stamp: kept.stamp || null, at: new Date(kept.at).toISOString(), ...kept.fields } : null;
}

// Forgets kept text the portal has now saved (all of it when saved is null); text typed since stays, now counted as
// typed over the answer just saved.
export function forget(root, saved, stamp) {
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
}
