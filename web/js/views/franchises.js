// Franchises on disk: each franchise's anime in order of first airing, on disk or not.
import { api } from 'app/api.js';
import { h, replace, notice, title } from 'app/dom.js';

export async function render(main) {
  title('Franchises');
  const data = await api.get('/api/library/franchises');
  const sections = data.franchises.map(franchise => {
    const onDisk = franchise.members.filter(m => m.onDisk).length;
    return h('section', { class: 'franchise' },
      h('h2', {}, `${franchise.title || 'aid ' + franchise.id} — ${onDisk} of ${franchise.members.length} on disk`),
      h('div', { class: 'line' }, franchise.members.map(member => h('a', {
        class: 'member ' + (member.onDisk ? 'on' : 'off'), href: `/series/${member.aid}`,
        title: member.documented ? `aid ${member.aid}` : `aid ${member.aid}: no AniDB document in the mirror yet`,
      }, h('b', {}, member.title || `aid ${member.aid}`),
        h('span', {}, [member.type, member.startDate ? member.startDate.slice(0, 4) : null].filter(Boolean).join(' · ') || 'not fetched yet')))));
  });
  replace(main, h('h1', {}, 'Franchises on disk'),
    h('p', { class: 'muted' }, 'From the relations of the AniDB documents the mirror holds. ',
      h('a', { href: '/api/kometa/collections.yml' }, 'Kometa collections file')),
    sections.length ? sections : notice('Nothing matched yet', 'Scan and match the library first.'));
}
