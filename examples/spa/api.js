// The API behind the single-page app: the only requests that reach a worker are /api/...;
// the page, its assets and every client-side route are files the front serves itself.
const notes = [
  { id: 1, text: 'Files come from site/, straight from the front.' },
  { id: 2, text: 'Unknown paths get site/index.html: the app routes them in the browser.' },
];

export default (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  res.setHeader('content-type', 'application/json');
  if (req.method === 'GET' && url.pathname === '/api/notes') {
    res.end(JSON.stringify(notes));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/api/notes') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const text = String(JSON.parse(body || '{}').text ?? '').slice(0, 200);
      const note = { id: notes.length + 1, text };
      notes.push(note);
      res.statusCode = 201;
      res.end(JSON.stringify(note));
    });
    return;
  }
  res.statusCode = 404;
  res.end(JSON.stringify({ error: `no API route ${req.method} ${url.pathname}` }));
};
