// AniDB's descriptions are plain text with BBCode-style links: `http://anidb.net/ch123 [Name]` and
// `[url=http://…]Name[/url]`. Those become links; everything else stays text — nothing is parsed as HTML.
import { h } from 'app/dom.js';

const link = /\[url=(https?:\/\/[^\]\s]+)\]([^[]*)\[\/url\]|(https?:\/\/anidb\.net\/[a-z]+\/?\d+) \[([^\]]+)\]/g;

export function description(text) {
  const paragraphs = String(text || '').split(/\n+/).filter(line => line.trim());
  return paragraphs.map(line => {
    const p = h('p');
    let last = 0;
    for (const match of line.matchAll(link)) {
      p.append(line.slice(last, match.index));
      const href = match[1] || match[3], label = match[2] || match[4];
      p.append(h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, label));
      last = match.index + match[0].length;
    }
    p.append(line.slice(last));
    return p;
  });
}
