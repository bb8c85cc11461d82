// A tiny client-side router: /about and / are views of this one page. A reload on /about
// works because the front answers unknown paths with index.html (try_files).
const view = document.getElementById('view');

async function notes() {
  const list = await (await fetch('/api/notes')).json();
  view.innerHTML = '<h1>Notes</h1><ul id="notes"></ul><form><input name="text" placeholder="A note"> <button>Add</button></form>';
  const ul = view.querySelector('#notes');
  for (const note of list) ul.append(Object.assign(document.createElement('li'), { textContent: note.text }));
  view.querySelector('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = event.target.elements.text.value;
    await fetch('/api/notes', { method: 'POST', body: JSON.stringify({ text }) });
    await notes();
  });
}

function about() {
  view.innerHTML = '<h1>About</h1><p>Built files in <code>site/</code>, an API in <code>api.js</code>, one <code>edge.conf</code>.</p>';
}

function render() {
  (location.pathname === '/about' ? about : notes)();
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-link]');
  if (link === null) return;
  event.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  render();
});
addEventListener('popstate', render);
render();
