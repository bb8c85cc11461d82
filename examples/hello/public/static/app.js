// Shows which protocol the browser used (h2 over HTTPS, http/1.1 over plain HTTP) and what the
// app answered: the page is static, the answer comes from a worker through the front.
const navigation = performance.getEntriesByType('navigation')[0];
document.getElementById('protocol').textContent = navigation?.nextHopProtocol || 'unknown';
fetch('/api/hello')
  .then((response) => response.json())
  .then((body) => {
    const app = document.getElementById('app');
    app.textContent = `${body.message} (you are ${body.client}${body.secure ? `, over ${body.tls}` : ''})`;
    app.dataset.ok = 'true';
  })
  .catch((error) => {
    document.getElementById('app').textContent = `the app did not answer: ${error}`;
  });
