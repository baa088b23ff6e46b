// Keyboard shortcuts for moving through the requirements. Alt+Shift with a letter, never a single key, so typing
// in an answer and a screen reader's own keys are left alone. A shortcut presses the visible button that carries
// data-shortcut, so it does exactly what the button does and nothing when the button is disabled.
const keys = { KeyN: 'next', KeyP: 'previous' };

function onKey(event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || event.repeat) {
        return;
    }
    const name = keys[event.code];
    const button = name && document.querySelector(`[data-shortcut="${name}"]`);
    if (!button || button.disabled) {
        return;
    }
    event.preventDefault();
    button.click();
}

export function listen() {
    document.removeEventListener('keydown', onKey);
    document.addEventListener('keydown', onKey);
}

export function stop() {
    document.removeEventListener('keydown', onKey);
}

// Moves focus to the element with this id (the requirement's heading after moving on, a message, the submit panel),
// scrolling it into view clear of the sticky progress bar (the page sets scroll-padding for it).
export function focus(id) {
    const element = document.getElementById(id);
    if (element) {
        element.focus({ preventScroll: true });
        element.scrollIntoView({ block: 'center' });
    }
}
