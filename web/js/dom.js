// Small DOM helpers every view uses. Text always goes in as text: nothing from the server becomes HTML.

/** h('a', {href: '/x', class: 'card'}, 'text', child) → an element. `on*` attributes become listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces everything in `parent`. */
export function replace(parent, ...children) {
  parent.textContent = '';
  return append(parent, children);
}

/** 83 → "1:23"; 3723 → "1:02:03". */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0)), hours = Math.floor(s / 3600), minutes = Math.floor(s / 60) % 60;
  const rest = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** "3 minutes ago", "in 2 hours" from an ISO time or Unix seconds. */
export function relative(time) {
  if (time === null || time === undefined) return '';
  const then = typeof time === 'number' ? time * 1000 : Date.parse(time);
  const seconds = Math.round((then - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

export function plural(count, one, many = one + 's') {
  return `${count} ${count === 1 ? one : many}`;
}

/** A notice where content would be: for empty lists and errors alike. */
export function notice(title, text, ...actions) {
  return h('div', { class: 'notice', role: 'status' }, h('h2', {}, title), text ? h('p', {}, text) : null, actions);
}

/** Sets the document title the way every page does. */
export function title(text) {
  document.title = text ? `${text} · Anikura` : 'Anikura';
}
