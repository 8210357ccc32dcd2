/* Verbatim: what every page shares.
 *
 * The write key: entered once, kept in this tab's sessionStorage (gone when
 * the tab closes), sent as "Authorization: Bearer" by the pages' scripts to
 * the JSON API. Never put in a URL or a cookie, so another site cannot make
 * the browser send it. window.VerbatimSite = {key, setKey, api, el, append, clear}.
 */
(function () {
  "use strict";

  var KEY_STORE = "verbatim.apiKey";

  function key() {
    try { return (sessionStorage.getItem(KEY_STORE) || "").trim(); } catch (e) { return ""; }
  }

  function setKey(value) {
    try {
      if (value && value.trim()) sessionStorage.setItem(KEY_STORE, value.trim());
      else sessionStorage.removeItem(KEY_STORE);
    } catch (e) { /* storage disabled: the key lasts as long as the page */ }
  }

  /** el("p", {class: "x"}, "text", node) — text is always text, never markup. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name === "hidden") node.hidden = true;
      else if (/^on/i.test(name)) throw new Error("no inline handlers");
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** A call to the JSON API with the key; resolves {status, data, response}, rejects with {status, message, errors}. */
  function api(method, url, body, opts) {
    opts = opts || {};
    var headers = {"Accept": opts.accept || "application/json"};
    var k = key();
    if (k) headers.Authorization = "Bearer " + k;
    var payload = body;
    if (body !== undefined && body !== null && !opts.raw) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else if (opts.contentType) {
      headers["Content-Type"] = opts.contentType;
    }
    return fetch(url, {method: method, headers: headers, body: payload, credentials: "omit", cache: "no-store"})
      .then(function (resp) {
        if (opts.text) {
          return resp.text().then(function (text) {
            if (!resp.ok) throw {status: resp.status, message: "The server answered " + resp.status + "."};
            return {status: resp.status, data: text, response: resp};
          });
        }
        return resp.text().then(function (raw) {
          var data = null;
          try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
          if (!resp.ok) {
            var message = data && data.message ? data.message : "The server answered " + resp.status + ".";
            if (resp.status === 401) message += " Enter a key with the write scope above.";
            throw {status: resp.status, message: message, errors: data && data.errors};
          }
          return {status: resp.status, data: data, response: resp};
        });
      }, function () {
        throw {status: 0, message: "Could not reach the Verbatim server. Check the connection and try again."};
      });
  }

  /** The key box of a page that writes (#write-key): filled from and saved to sessionStorage. */
  function keyBox() {
    var box = document.getElementById("write-key");
    if (!box) return;
    var form = box.form, state = document.getElementById("write-key-state");
    box.value = key();
    function show() {
      if (state) state.textContent = key() ? "A key is set for this tab." : "No key set.";
    }
    show();
    function use(e) {
      if (e && e.type === "submit") e.preventDefault();
      setKey(box.value);
      show();
      document.dispatchEvent(new CustomEvent("verbatim:key"));
    }
    if (form) form.addEventListener("submit", use);
    box.addEventListener("change", use);
  }

  window.VerbatimSite = {key: key, setKey: setKey, api: api, el: el, append: append, clear: clear};
  document.querySelectorAll("[data-needs-js]").forEach(function (n) { n.hidden = false; });
  keyBox();
})();
