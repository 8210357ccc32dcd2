/* Verbatim: the record's pages (quotes, a quote, a speaker), for key holders.
 *
 * The server renders what anyone may read. With a key in this tab
 * (static/site.js), this script adds what only key holders see or do,
 * through the JSON API with the bearer header: which key made each
 * revision; quotes pending review or retracted; a quote that is not public;
 * editing, retracting, approving a quote; adding a speaker's name.
 * Everything is put in the page as text (VerbatimSite.el), never as markup.
 */
(function () {
  "use strict";

  var S = window.VerbatimSite, el = S.el, clear = S.clear;
  var STATUS = {approved: "Approved", pending_review: "Pending review", retracted: "Retracted"};
  var ACTIONS = {create: "created", update: "changed", retract: "retracted", "import": "imported", approve: "approved"};

  function $(id) { return document.getElementById(id); }

  function say(node, text, isError) {
    if (!node) return;
    node.textContent = text;
    node.classList.toggle("field-error", !!isError);
  }

  function keyName(rev) {
    if (!rev.api_key) return "no key (the command line or the demo data)";
    return "key “" + rev.api_key.name + "” (" + rev.api_key.prefix + "…)";
  }

  // --- a quote's history: which key made each revision ---------------------------------

  function fillKeys(apiUrl) {
    if (!S.key()) return;
    S.api("GET", apiUrl + "/revisions").then(function (r) {
      (r.data || []).forEach(function (rev) {
        var span = document.querySelector('[data-revision-key="' + rev.revision + '"]');
        if (span && rev.api_key !== undefined) span.textContent = "by " + keyName(rev);
      });
    }, function () { /* a read key: names stay hidden */ });
  }

  // --- the desk: edit, retract, approve (quote page and private quote) -------------------

  var EDITABLE = [["text", "Words", "textarea"], ["speaker", "Speaker"], ["spoken_at", "Date said"],
                  ["location", "Place"], ["event", "Event"], ["context", "Context", "textarea"]];

  function field(id, label, kind, value, hint) {
    var input = kind === "textarea"
      ? el("textarea", {id: id, rows: 3, spellcheck: "false"})
      : el("input", {id: id, type: "text", autocomplete: "off"});
    input.value = value || "";
    return el("div", {class: "field"}, el("label", {for: id}, label), input,
      hint ? el("p", {class: "hint"}, hint) : null);
  }

  /** The write actions for a quote (its JSON as the API answers it). */
  function desk(quote, apiUrl, done) {
    var status = el("p", {class: "muted", role: "status", id: "desk-status"});
    var box = el("section", {class: "card desk", "aria-labelledby": "desk-title"},
      el("h2", {class: "card__title", id: "desk-title"}, "Change this quote"),
      el("p", {class: "muted small"}, "Every change is kept in the history, with the key that made it."));
    function fail(err) { say(status, err.message, true); }

    if (quote.status === "pending_review") {
      var approve = el("button", {type: "button", class: "btn btn--primary", id: "approve-quote"}, "Approve");
      approve.addEventListener("click", function () {
        S.api("POST", apiUrl + "/approve").then(function () { done("Approved."); }, fail);
      });
      box.appendChild(el("div", {class: "desk-actions"}, approve,
        el("span", {class: "muted small"}, "Approved quotes count for verification.")));
    }

    // Edit: only the fields that changed are sent (PATCH).
    var form = el("form", {class: "form", id: "edit-form", novalidate: true});
    EDITABLE.forEach(function (f) { form.appendChild(field("edit-" + f[0], f[1], f[2], quote[f[0]])); });
    form.appendChild(el("div", {class: "actions"}, el("button", {type: "submit", class: "btn btn--primary"}, "Save changes")));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var changes = {};
      EDITABLE.forEach(function (f) {
        var value = $("edit-" + f[0]).value;
        if (value.trim() !== String(quote[f[0]] || "").trim()) changes[f[0]] = value.trim() ? value : null;
      });
      if (!Object.keys(changes).length) { say(status, "Nothing changed."); return; }
      S.api("PATCH", apiUrl, changes).then(function () { done("Saved."); }, fail);
    });
    box.appendChild(el("details", {class: "options"}, el("summary", null, "Edit"), form));

    if (quote.status !== "retracted") {
      var retract = el("form", {class: "form", id: "retract-form", novalidate: true},
        field("retract-reason", "Why is it retracted?", "textarea", "", "Required. Shown with the quote, and kept in its history."),
        el("div", {class: "actions"}, el("button", {type: "submit", class: "btn btn--ghost", id: "retract-submit"}, "Retract")));
      retract.addEventListener("submit", function (e) {
        e.preventDefault();
        var reason = $("retract-reason").value.trim();
        if (!reason) { say(status, "Say why the quote is retracted.", true); $("retract-reason").focus(); return; }
        S.api("DELETE", apiUrl, {reason: reason}).then(function () { done("Retracted."); }, fail);
      });
      box.appendChild(el("details", {class: "options"}, el("summary", null, "Retract"), retract));
    } else {
      var restore = el("button", {type: "button", class: "btn btn--ghost", id: "restore-quote"}, "Restore to the record");
      restore.addEventListener("click", function () {
        S.api("PATCH", apiUrl, {status: "approved"}).then(function () { done("Restored."); }, fail);
      });
      box.appendChild(el("div", {class: "desk-actions"}, restore));
    }
    box.appendChild(status);
    return box;
  }

  // --- a quote's page (public) ---------------------------------------------------------

  var quoteEl = $("quote");
  if (quoteEl) {
    var apiUrl = quoteEl.getAttribute("data-api-url");
    var slot = $("desk-slot");
    var showDesk = function () {
      fillKeys(apiUrl);
      if (!slot || !S.key()) return;
      S.api("GET", apiUrl).then(function (r) {
        clear(slot);
        slot.appendChild(desk(r.data, apiUrl, function () { location.reload(); }));
      }, function (err) { say($("desk-key-status"), err.message, true); });
    };
    document.addEventListener("verbatim:key", showDesk);
    showDesk();
  }

  // --- a quote that is not public (the 404 page), for key holders -------------------------

  var privateQuote = $("private-quote");
  if (privateQuote) {
    var pUrl = privateQuote.getAttribute("data-api-url");
    var showPrivate = function (message) {
      if (!S.key()) return;
      S.api("GET", pUrl).then(function (r) {
        var q = r.data, out = $("private-quote-body");
        clear(out);
        out.appendChild(el("div", {class: "card quote-page", id: "quote"},
          el("p", {class: "quote-page__status"}, el("span", {class: "status status--" + q.status, id: "quote-status"}, STATUS[q.status] || q.status)),
          el("blockquote", {class: "quote-page__text", id: "quote-text"}, q.text),
          el("p", {class: "quote-page__by"}, "— " + q.speaker),
          q.status === "retracted" ? el("p", {class: "retraction", id: "retraction"}, "Retracted: " + (q.retraction_reason || "no reason given")) : null,
          el("p", {class: "muted small"}, [q.spoken_at, q.location, q.event].filter(Boolean).join(" · "))));
        out.appendChild(desk(q, pUrl, function (msg) { showPrivate(msg); }));
        if (message) say($("desk-status"), message);
      }, function (err) { say($("private-quote-status"), err.message, true); });
    };
    document.addEventListener("verbatim:key", function () { showPrivate(); });
    showPrivate();
  }

  // --- the record's list of quotes pending review or retracted -----------------------------

  var privateList = $("private-list");
  if (privateList) {
    var listUrl = privateList.getAttribute("data-api-url") + location.search;
    var quoteUrl = privateList.getAttribute("data-quote-url");
    var speakerUrl = privateList.getAttribute("data-speaker-url");
    var loadList = function () {
      var rows = $("private-rows"), status = $("private-status");
      if (!S.key()) { say(status, "Enter a key to see these quotes."); return; }
      S.api("GET", listUrl).then(function (r) {
        clear(rows);
        var items = r.data.items || [];
        say(status, items.length ? r.data.total + " found." : "No quote found.");
        items.forEach(function (q) {
          rows.appendChild(el("li", {class: "qrow", "data-quote-id": q.id},
            el("blockquote", {class: "qrow__text"}, el("a", {href: quoteUrl + q.id}, q.text)),
            el("p", {class: "qrow__meta"}, el("a", {href: speakerUrl + q.speaker_id}, q.speaker),
              q.spoken_at ? el("span", null, q.spoken_at) : null, q.location ? el("span", null, q.location) : null,
              el("span", {class: "status status--" + q.status}, STATUS[q.status] || q.status),
              q.retraction_reason ? el("span", null, "Reason: " + q.retraction_reason) : null)));
        });
      }, function (err) { say(status, err.message, true); });
    };
    document.addEventListener("verbatim:key", loadList);
    loadList();
  }

  // --- a speaker's page: add a name ----------------------------------------------------

  var aliasForm = $("alias-form");
  if (aliasForm) {
    var speakerApi = $("speaker").getAttribute("data-api-url");
    aliasForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var input = $("alias"), error = $("alias-error"), status = $("alias-status");
      var name = input.value.trim();
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      if (!name) { error.textContent = "Type the name to add."; error.hidden = false; input.setAttribute("aria-invalid", "true"); input.focus(); return; }
      S.api("PATCH", speakerApi, {add_aliases: [name]}).then(function (r) {
        var list = $("aliases");
        clear(list);
        (r.data.aliases || []).forEach(function (a) { list.appendChild(el("li", null, a)); });
        input.value = "";
        say(status, "Added “" + name + "”.");
      }, function (err) {
        error.textContent = err.message; error.hidden = false; input.setAttribute("aria-invalid", "true");
      });
    });
  }
})();
