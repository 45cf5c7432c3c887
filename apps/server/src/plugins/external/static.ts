/**
 * The web app: apps/web/dist served as static files when it is built, with
 * index.html for any other GET outside /api (client-side routes). When it is
 * not built, `/` says so plainly and offers the two forms a first user needs
 * (finish setup from the console link, log in).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const API_PATH = /^\/(api|docs|metrics)(\/|$|\?)/;

export default fp(
  async function staticPlugin(app: FastifyInstance, opts: { webDist: string | undefined }) {
    const dist = opts.webDist;
    const built = dist !== undefined && existsSync(path.join(dist, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, { root: path.resolve(dist), wildcard: false, index: ['index.html'] });
    } else {
      app.get('/', { schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
      app.get('/setup', { schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
    }
    app.setNotFoundHandler((request, reply) => {
      if (built && request.method === 'GET' && !API_PATH.test(request.url)) {
        return reply.type('text/html; charset=utf-8').sendFile('index.html');
      }
      return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
    });
  },
  { name: 'static' },
);

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tunnelscope</title>
<style>body{font:15px system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}input{display:block;margin:.3rem 0 .8rem;padding:.3rem;width:18rem}form{margin:1.5rem 0}#msg{font-weight:bold}</style></head>
<body>
<h1>tunnelscope</h1>
<p>The dashboard is not built. The server, the REST API (<a href="/docs">/docs</a>, after logging in) and the WebSocket feed at <code>/api/v1/stream</code> are running.</p>
<p id="msg"></p>
<form id="setup" hidden><h2>Create the first admin</h2>
<label>Username<input name="username" autocomplete="username" required></label>
<label>Password (10+ characters)<input name="password" type="password" autocomplete="new-password" minlength="10" required></label>
<button>Create admin</button></form>
<form id="login"><h2>Log in</h2>
<label>Username<input name="username" autocomplete="username" required></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<button>Log in</button></form>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const msg = document.getElementById('msg');
if (token) document.getElementById('setup').hidden = false;
async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json().catch(() => ({}));
  msg.textContent = r.ok ? 'Done: you are logged in as ' + j.user.username + ' (' + j.user.role + ').' : (j.error ? j.error.message : 'failed');
  if (r.ok) history.replaceState(null, '', '/');
}
document.getElementById('setup').onsubmit = (e) => { e.preventDefault(); const f = new FormData(e.target); post('/api/v1/auth/setup', { token, username: f.get('username'), password: f.get('password') }); };
document.getElementById('login').onsubmit = (e) => { e.preventDefault(); const f = new FormData(e.target); post('/api/v1/auth/login', { username: f.get('username'), password: f.get('password') }); };
</script>
</body></html>
`;
