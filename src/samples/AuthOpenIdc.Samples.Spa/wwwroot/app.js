// The SPA sample's only script (no build step, no inline code, so the strict Content-Security-Policy holds).
// Everything it knows about the login comes from the backend's redirect_uri:
//   GET  /oidc/callback?info=json                              session info (401: no session)
//   GET  /oidc/callback?info=json&access_token_refresh_interval=0   refresh the access token first, then the info
//   GET  /oidc/callback?refresh=<return_to>&access_token=<current>  refresh, then 302 back (error_code= on failure)
//   GET  /oidc/callback?logout=<url>                           log out here and at the OP, then back to <url>
// and its own API answers only requests with the X-CSRF: 1 header.
'use strict';

(() => {
  const REDIRECT_URI = '/oidc/callback';
  const INFO_URL = `${REDIRECT_URI}?info=json`;

  const $ = (id) => document.getElementById(id);
  let current = null; // the last info hook answer
  let ticker = 0;

  async function fetchInfo(query = '') {
    const response = await fetch(INFO_URL + query, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`the info hook answered HTTP ${response.status}`);
    return response.json();
  }

  function formatTime(epochSeconds) {
    return typeof epochSeconds === 'number' ? new Date(epochSeconds * 1000).toLocaleString() : 'unknown';
  }

  function setTime(element, epochSeconds) {
    element.textContent = formatTime(epochSeconds);
    if (typeof epochSeconds === 'number') {
      element.dateTime = new Date(epochSeconds * 1000).toISOString();
      element.dataset.epoch = String(epochSeconds);
    } else {
      element.removeAttribute('datetime');
      delete element.dataset.epoch;
    }
  }

  // Enough of the token to see that a refresh replaced it, not enough to use it.
  function tokenHint(token) {
    return typeof token === 'string' && token.length > 0 ? `\u2026${token.slice(-8)}` : 'not exposed by the info hook';
  }

  function updateCountdown() {
    const expires = current?.access_token_expires;
    if (typeof expires !== 'number') {
      $('expires-in').textContent = '';
      return;
    }
    const seconds = Math.round(expires - Date.now() / 1000);
    $('expires-in').textContent = seconds > 0
      ? `(in ${Math.floor(seconds / 60)} min ${seconds % 60} s)`
      : '(expired: refresh it, or call the API to see what happens)';
  }

  function show(section) {
    for (const id of ['loading', 'signed-out', 'signed-in']) $(id).hidden = id !== section;
  }

  function notice(text, isError = false) {
    const element = $('notice');
    element.textContent = text;
    element.classList.toggle('error', isError);
    element.hidden = !text;
  }

  function renderSignedOut() {
    current = null;
    clearInterval(ticker);
    show('signed-out');
  }

  function render(info) {
    current = info;
    $('user').textContent = info.remote_user ?? '(unknown)';
    $('name').textContent = info.userinfo?.name ?? info.id_token?.name ?? '\u2013';
    setTime($('expires'), info.access_token_expires);
    $('token').textContent = tokenHint(info.access_token);
    setTime($('timeout'), info.timeout);
    setTime($('session-exp'), info.exp);

    // ?refresh= needs the current access token: it is the anti-forgery token of that link.
    const refreshLink = $('refresh-redirect');
    if (typeof info.access_token === 'string') {
      const params = new URLSearchParams({ refresh: '/?refreshed=1', access_token: info.access_token });
      refreshLink.href = `${REDIRECT_URI}?${params}`;
      refreshLink.hidden = false;
    } else {
      refreshLink.hidden = true;
    }

    // The OP sends the browser back here after logging out; the URL must be registered at the OP as a
    // post_logout_redirect_uri (the demo OP has http://127.0.0.1/ for any port).
    $('logout').href = `${REDIRECT_URI}?logout=${encodeURIComponent(`${window.location.origin}/`)}`;

    const shown = { ...info };
    if (typeof shown.access_token === 'string') shown.access_token = tokenHint(shown.access_token);
    $('info-json').textContent = JSON.stringify(shown, null, 2);

    clearInterval(ticker);
    updateCountdown();
    ticker = setInterval(updateCountdown, 1000);
    show('signed-in');
  }

  async function callApi() {
    const button = $('call-api');
    const output = $('api-result');
    button.disabled = true;
    try {
      const response = await fetch('/api/data', {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json', 'X-CSRF': '1' },
      });
      output.dataset.status = String(response.status);
      if (response.status === 401) {
        notice('The API answered 401: the session has ended.', true);
        renderSignedOut();
        return;
      }
      const body = await response.text();
      let text = body;
      try {
        text = JSON.stringify(JSON.parse(body), null, 2);
      } catch {
        // not JSON: show it as it came
      }
      output.textContent = response.ok ? text : `HTTP ${response.status}\n${text}`;
      output.classList.toggle('muted', false);
      output.classList.toggle('error', !response.ok);
    } catch (error) {
      output.dataset.status = 'error';
      output.textContent = `The API call failed: ${error.message}`;
      output.classList.add('error');
    } finally {
      button.disabled = false;
    }
  }

  async function refreshToken() {
    const button = $('refresh');
    const result = $('refresh-result');
    const before = current;
    button.disabled = true;
    try {
      const info = await fetchInfo('&access_token_refresh_interval=0');
      if (info === null) {
        notice('The refresh failed and the session was ended.', true);
        renderSignedOut();
        return;
      }
      render(info);
      const tokenChanged = before?.access_token !== info.access_token;
      const expiryChanged = before?.access_token_expires !== info.access_token_expires;
      const changed = tokenChanged || expiryChanged;
      result.dataset.changed = String(changed);
      result.className = changed ? 'changed' : 'error';
      result.textContent = changed
        ? `Refreshed at ${new Date().toLocaleTimeString()}: access token ${tokenHint(before?.access_token)} \u2192 ${tokenHint(info.access_token)}, `
          + `expires ${formatTime(before?.access_token_expires)} \u2192 ${formatTime(info.access_token_expires)}.`
        : 'Nothing changed: the session has no refresh token, or the OP refused it (see the server log).';
    } catch (error) {
      result.dataset.changed = 'false';
      result.className = 'error';
      result.textContent = `The refresh failed: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  }

  // Messages from a round trip through the redirect_uri, then a clean address bar.
  function readReturnParameters() {
    const params = new URLSearchParams(window.location.search);
    if (params.has('error_code')) {
      notice(`The redirect refresh failed: error_code=${params.get('error_code')}`, true);
    } else if (params.has('refreshed')) {
      notice('The access token was refreshed through ?refresh= and the browser came back here.');
    }
    if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
  }

  async function start() {
    $('login').addEventListener('click', () => window.location.assign('/login'));
    $('call-api').addEventListener('click', callApi);
    $('refresh').addEventListener('click', refreshToken);
    readReturnParameters();
    try {
      const info = await fetchInfo();
      if (info === null) renderSignedOut();
      else render(info);
    } catch (error) {
      notice(`Cannot read the session: ${error.message}`, true);
      renderSignedOut();
    }
  }

  start();
})();
