// Files that need a person (Shoko's "unrecognized files"): no match, or one the matcher was unsure of, by folder.
// Select files, choose the anime by title in any language, check the episodes (filled from the names, with a
// range fill to correct them), save; undo puts the previous choice back.
import { api } from 'app/api.js';
import { h, replace, notice, plural, title } from 'app/dom.js';
import { matchPicker } from 'app/components/match-picker.js';

export async function render(main) {
  title('Needs attention');
  const selected = new Set();
  let report, undo = null;
  const panel = h('aside', { class: 'assign', id: 'assign', 'aria-live': 'polite' });
  const list = h('div', { id: 'attention-list' });
  const flash = h('div', { class: 'flash', role: 'status' });

  const load = async () => {
    report = await api.attention();
    for (const id of [...selected]) if (!files().some(f => f.fileId === id)) selected.delete(id);
    draw();
  };
  const files = () => report.folders.flatMap(folder => folder.files);

  function draw() {
    replace(list, report.folders.length ? report.folders.map(folderSection)
      : notice('Nothing needs attention', `All ${plural(report.totalFiles, 'file')} on disk are matched with confidence.`));
    drawPanel();
  }

  function folderSection(folder) {
    const all = folder.files.every(f => selected.has(f.fileId));
    const toggleAll = h('input', { type: 'checkbox', checked: all, 'aria-label': `Select every file in ${folder.path}`, onchange: event => {
      for (const f of folder.files) event.target.checked ? selected.add(f.fileId) : selected.delete(f.fileId);
      draw();
    } });
    return h('section', { class: 'folder' },
      h('h2', {}, h('label', {}, toggleAll, ' ', folder.path), h('span', { class: 'muted count' }, ` ${plural(folder.files.length, 'file')}`)),
      h('ul', { class: 'attention-files' }, folder.files.map(fileRow)));
  }

  function fileRow(file) {
    const box = h('input', { type: 'checkbox', checked: selected.has(file.fileId), 'aria-label': `Select ${file.name}`, onchange: event => {
      event.target.checked ? selected.add(file.fileId) : selected.delete(file.fileId);
      drawPanel();
    } });
    const parsed = [file.parsedTitle, file.parsedEpisode ? `episode ${file.parsedEpisode}` : null].filter(Boolean).join(', ');
    return h('li', { class: 'attention-file', dataset: { fileId: file.fileId, state: file.state } },
      box,
      h('div', { class: 'af-main' },
        h('span', { class: 'af-name' }, file.name),
        h('span', { class: 'muted' }, parsed ? `Read as: ${parsed}` : 'Nothing could be read from the name'),
        file.numbering ? h('span', { class: 'numbering' }, file.numbering) : null,
        file.note ? h('span', { class: 'muted' }, file.note) : null,
        file.candidates.length ? h('div', { class: 'candidates' }, h('span', { class: 'muted' }, 'Candidates: '),
          file.candidates.map(c => h('button', { type: 'button', class: 'chip candidate', dataset: { aid: c.aid }, onclick: () => {
            selected.clear();
            selected.add(file.fileId);
            draw();
            choose({ aid: c.aid, title: c.title });
          } }, `${c.title} · ${Math.round(c.score * 100)} %`))) : null),
      stateTag(file));
  }

  function stateTag(file) {
    if (file.state === 'conflict') return h('span', { class: 'tag warn', title: 'The folder\'s id tag and its title disagree; the tag was followed' }, 'Tag and title disagree');
    if (file.state === 'doubtful') return h('span', { class: 'tag warn' }, `Unsure · ${Math.round((file.confidence || 0) * 100)} %`);
    return h('span', { class: 'tag missing' }, 'No match');
  }

  function drawPanel() {
    if (!selected.size) {
      replace(panel, h('p', { class: 'muted' }, 'Select files to assign them to an anime.'), undoButton());
      return;
    }
    replace(panel, h('h2', {}, `Assign ${plural(selected.size, 'selected file')}`),
      matchPicker({ initial: commonTitle(), onPick: choose, candidates: commonCandidates() }),
      h('button', { type: 'button', class: 'subtle', onclick: () => { selected.clear(); draw(); } }, 'Clear selection'), undoButton());
  }

  const chosenFiles = () => files().filter(f => selected.has(f.fileId));
  function commonTitle() { return chosenFiles()[0]?.parsedTitle || ''; }
  function commonCandidates() {
    const seen = new Map();
    for (const f of chosenFiles()) for (const c of f.candidates) if (!seen.has(c.aid)) seen.set(c.aid, c);
    return [...seen.values()].slice(0, 6);
  }

  /** The anime is chosen: one episode field per file, filled from the parsed numbers. */
  function choose(anime) {
    const chosen = chosenFiles();
    const inputs = chosen.map(f => h('input', { class: 'episode-input', value: f.parsedEpisode || '', size: 5, 'aria-label': `Episode of ${f.name}`, dataset: { fileId: f.fileId } }));
    const start = h('input', { type: 'number', min: 1, value: 1, class: 'episode-input', 'aria-label': 'First episode number' });
    const message = h('p', { class: 'error', role: 'alert' });
    const save = h('button', { type: 'button', class: 'primary', id: 'assign-save' }, `Save ${plural(chosen.length, 'file')}`);
    save.onclick = async () => {
      const bad = inputs.find(i => i.value && !/^[SCTPO]?\d{1,5}$/.test(i.value.trim()));
      if (bad) { message.textContent = `“${bad.value}” is not an episode number (like 5, S1, C2).`; bad.focus(); return; }
      save.disabled = true;
      const before = chosen.map(f => ({ fileId: f.fileId, aid: f.aid, episode: f.episode }));
      try {
        for (const [i, f] of chosen.entries()) await api.matchFile(f.fileId, anime.aid, inputs[i].value.trim());
      } catch (error) {
        message.textContent = error.message;
        save.disabled = false;
        return;
      }
      undo = { before, anime };
      selected.clear();
      replace(flash, `Saved ${plural(chosen.length, 'file')} to `, h('a', { href: `/series/${anime.aid}` }, anime.title || `anime ${anime.aid}`), '.');
      await load();
    };
    replace(panel, h('h2', {}, `Assign to ${anime.title || 'anime ' + anime.aid}`),
      h('p', { class: 'muted' }, `aid ${anime.aid}. Episodes come from the file names; correct them or fill a range.`),
      h('div', { class: 'range' }, h('label', {}, 'Number from ', start), h('button', { type: 'button', onclick: () => {
        inputs.forEach((input, i) => { input.value = String(Number(start.value || 1) + i); });
      } }, 'Fill in order')),
      h('ol', { class: 'assign-list' }, chosen.map((f, i) => h('li', {}, inputs[i], h('span', { class: 'af-name' }, f.name)))),
      message,
      h('div', { class: 'actions' }, save, h('button', { type: 'button', onclick: drawPanel }, 'Back')));
    inputs[0]?.focus();
  }

  function undoButton() {
    if (!undo) return null;
    return h('button', { type: 'button', id: 'undo', onclick: async () => {
      const { before } = undo;
      undo = null;
      // Only automatic and missing matches are listed here, so "as before" is the matcher's own choice again.
      for (const b of before) await api.unmatchFile(b.fileId);
      replace(flash, `Undone: ${plural(before.length, 'file')} as before.`);
      await load();
    } }, 'Undo last save');
  }

  await load();
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, 'Needs attention'),
    h('p', { class: 'muted count' }, `${plural(report.listedFiles, 'file')} of ${report.totalFiles}`)),
    flash, h('div', { class: 'attention-layout' }, list, panel));
}
