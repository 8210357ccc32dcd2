/* Verbatim: adding to the record (/add) and ingesting a source, then reviewing it (/ingest).
 *
 * Every request goes to the JSON API with the write key of this tab
 * (VerbatimSite.api sends it as the bearer header). What the API answers
 * is put in the page as text (VerbatimSite.el), never as markup.
 * Rejecting a pending quote is retracting it with a reason
 * (DELETE /api/v1/quotes/<id>), so the decision stays in its history.
 */
(function () {
  "use strict";

  var S = window.VerbatimSite, el = S.el, clear = S.clear;
  var STATUS = {approved: "Approved", pending_review: "Pending review", retracted: "Rejected"};

  function $(id) { return document.getElementById(id); }

  /** Show the API's field errors under the fields (ids: prefix + field + "-error"). */
  function fieldErrors(form, prefix, errors) {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (n) { n.hidden = true; n.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); });
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var box = $(prefix + name + "-error");
      if (!box) return;
      var messages = errors[name];
      box.textContent = Array.isArray(messages) ? messages.filter(function (m) { return typeof m === "string"; }).join(" ") || "Invalid."
        : typeof messages === "string" ? messages : "Invalid.";
      box.hidden = false;
      var input = $(prefix + name) || $(prefix + name.replace("_at", ""));
      if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
    });
    return first;
  }

  function busy(button, on, label) {
    if (on) { button.setAttribute("data-label", button.textContent); button.textContent = label; button.disabled = true; }
    else { button.textContent = button.getAttribute("data-label") || button.textContent; button.disabled = false; }
  }

  function value(id) { var n = $(id); return n ? n.value.trim() : ""; }

  // --- /add: one quote --------------------------------------------------------------------

  var addForm = $("add-form");
  if (addForm) {
    addForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = {text: $("a-text").value, speaker: value("a-speaker"), status: value("a-status")};
      ["spoken_at", "location", "event", "language", "context"].forEach(function (name) {
        if (value("a-" + name)) body[name] = value("a-" + name);
      });
      var source = {url: value("a-source-url"), publisher: value("a-source-publisher"), title: value("a-source-title")};
      Object.keys(source).forEach(function (k) { if (!source[k]) delete source[k]; });
      if (Object.keys(source).length) body.sources = [source];
      var out = $("add-result"), button = $("add-submit");
      clear(out);
      busy(button, true, "Adding…");
      S.api("POST", addForm.getAttribute("data-api-url"), body).then(function (r) {
        fieldErrors(addForm, "a-", {});
        var q = r.data;
        out.appendChild(el("p", {class: "card notice-ok", id: "add-done", tabindex: "-1"},
          "Stored as quote " + q.id + " (" + (STATUS[q.status] || q.status).toLowerCase() + "). ",
          el("a", {href: addForm.getAttribute("data-page-url") + q.id}, "Open its page")));
        $("add-done").focus();
        ["a-text", "a-context"].forEach(function (id) { $(id).value = ""; });
      }, function (err) {
        var first = fieldErrors(addForm, "a-", err.errors);
        out.appendChild(el("p", {class: "card alert", role: "alert"}, err.message));
        if (first) first.focus();
      }).then(function () { busy(button, false); });
    });
  }

  // --- /ingest: a source in, its quotes for review ----------------------------------------

  /** The paragraph of `doc` holding `words`, as [before, words, after]; null when not found. */
  function passage(doc, words) {
    if (!doc || !words) return null;
    var at = doc.indexOf(words), len = words.length;
    if (at < 0) { at = doc.indexOf(words.slice(0, 40)); len = Math.min(40, words.length); }
    if (at < 0) return null;
    var start = doc.lastIndexOf("\n", at) + 1, end = doc.indexOf("\n", at + len);
    if (end < 0) end = doc.length;
    if (at - start > 400) start = doc.indexOf(" ", at - 400) + 1;
    if (end - (at + len) > 400) end = doc.lastIndexOf(" ", at + len + 400);
    return [(start > 0 ? "…" : "") + doc.slice(start, at), doc.slice(at, at + len), doc.slice(at + len, end) + (end < doc.length ? "…" : "")];
  }

  var review = $("review");
  var quotesUrl = review ? review.getAttribute("data-quotes-url") : "";
  var pageUrl = review ? review.getAttribute("data-page-url") : "";
  var pending = [];  // {quote, item, setStatus}

  function reviewItem(q, doc) {
    var status = el("span", {class: "status status--" + q.status}, STATUS[q.status] || q.status);
    var note = el("span", {class: "muted small", role: "status"});
    var item = el("li", {class: "review-item review-item--" + q.status, "data-quote-id": q.id});
    function setStatus(s, message) {
      q.status = s;
      item.className = "review-item review-item--" + s;
      status.className = "status status--" + s;
      status.textContent = STATUS[s] || s;
      note.textContent = message || "";
      if (s !== "pending_review") { Array.prototype.forEach.call(item.querySelectorAll("button"), function (b) { b.remove(); }); }
    }
    var actions = el("div", {class: "desk-actions"}, status);
    var entry = {quote: q, setStatus: setStatus};
    if (q.status === "pending_review") {
      var approve = el("button", {type: "button", class: "btn btn--primary btn--small", "data-action": "approve"}, "Approve");
      var reject = el("button", {type: "button", class: "btn btn--ghost btn--small", "data-action": "reject"}, "Reject");
      approve.addEventListener("click", function () { decide(entry, "approve"); });
      reject.addEventListener("click", function () { decide(entry, "reject"); });
      actions.appendChild(approve);
      actions.appendChild(reject);
      pending.push(entry);
    }
    actions.appendChild(note);
    entry.note = note;
    var meta = [q.speaker, q.spoken_at, q.location].filter(Boolean).join(" · ");
    var p = passage(doc, q.text);
    item.appendChild(el("div", {class: "review-item__main"},
      el("blockquote", {class: "review-item__quote"}, el("a", {href: pageUrl + q.id}, q.text)),
      el("p", {class: "review-item__meta"}, meta),
      actions));
    item.appendChild(el("div", {class: "review-item__source"},
      el("p", {class: "section-title"}, "In the source"),
      p ? el("p", {class: "passage"}, p[0], el("mark", null, p[1]), p[2])
        : el("p", {class: "passage"}, q.context || "The passage is not available.")));
    return item;
  }

  function decide(entry, action) {
    var q = entry.quote;
    if (q.status !== "pending_review") return Promise.resolve();
    var call = action === "approve"
      ? S.api("POST", quotesUrl + "/" + q.id + "/approve")
      : S.api("DELETE", quotesUrl + "/" + q.id, {reason: value("reject-reason") || "Rejected in review"});
    return call.then(function (r) {
      entry.setStatus(r.data.status, action === "approve" ? "Approved: it counts for verification now." : "Rejected: " + (r.data.retraction_reason || ""));
    }, function (err) { entry.note.textContent = err.message; entry.note.classList.add("field-error"); });
  }

  function decideAll(action) {
    var todo = pending.filter(function (e) { return e.quote.status === "pending_review"; });
    var say = $("review-status");
    say.textContent = (action === "approve" ? "Approving " : "Rejecting ") + todo.length + "…";
    // One after the other: each is a write, and SQLite takes one writer at a time.
    return todo.reduce(function (p, e) { return p.then(function () { return decide(e, action); }); }, Promise.resolve())
      .then(function () { say.textContent = "Done: " + todo.length + (action === "approve" ? " approved." : " rejected."); });
  }

  function group(title, note, children, id) {
    return el("section", {class: "review-group", id: id},
      el("h3", {class: "section-title"}, title + " (" + children.length + ")"),
      note ? el("p", {class: "muted small"}, note) : null,
      children.length ? el("ol", {class: "review-list"}, children) : el("p", {class: "muted"}, "None."));
  }

  function skippedItem(s, doc) {
    var p = typeof s.start === "number" && doc ? [doc.slice(Math.max(0, s.start - 160), s.start), doc.slice(s.start, s.end), doc.slice(s.end, s.end + 160)] : null;
    return el("li", {class: "review-item review-item--skipped"},
      el("div", null,
        el("blockquote", {class: "review-item__quote"}, s.text || s.label || ""),
        el("p", {class: "review-item__why"}, el("strong", null, (s.reason || "skipped").replace(/_/g, " ") + ": "), s.message || ""),
        s.examples ? el("p", {class: "review-item__meta"}, "For example: " + s.examples.join(" / ")) : null),
      el("div", null, p ? el("p", {class: "passage"}, p[0], el("mark", null, p[1]), p[2]) : null));
  }

  function showReview(groups) {
    pending = [];
    var out = $("review-groups");
    clear(out);
    groups.forEach(function (g) { out.appendChild(g()); });
    review.hidden = false;
    $("review-title").focus();
  }

  var ingestForm = $("ingest-form");
  if (ingestForm) {
    $("approve-all").addEventListener("click", function () { decideAll("approve"); });
    $("reject-all").addEventListener("click", function () { decideAll("reject"); });

    ingestForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var transcript = $("i-kind-transcript").checked;
      var raw = $("i-text").value, url = value("i-url");
      var body = {};
      if (raw.trim()) body[/^\s*</.test(raw) ? "html" : "text"] = raw;
      if (url) body.url = url;
      if (value("i-publisher")) body.publisher = value("i-publisher");
      if (value("i-title")) body.title = value("i-title");
      if (value("i-published")) body.published_at = value("i-published");
      if (transcript) {
        body.review = true;
        if (value("i-speaker")) body.speaker = value("i-speaker");
        if (value("i-location")) body.location = value("i-location");
      }
      var button = $("ingest-submit"), status = $("ingest-status");
      status.textContent = "";
      busy(button, true, "Reading the source…");
      var target = transcript ? ingestForm.getAttribute("data-sources-url") : ingestForm.getAttribute("data-ingest-url");
      S.api("POST", target, body).then(function (r) {
        fieldErrors(ingestForm, "i-", {});
        return transcript ? showTranscript(r.data) : showIngest(r.data, raw);
      }, function (err) {
        var first = fieldErrors(ingestForm, "i-", err.errors);
        status.textContent = err.message;
        status.classList.add("field-error");
        if (first) first.focus();
      }).then(function () { busy(button, false); });
    });
  }

  function showIngest(answer, doc) {
    showReview([
      function () {
        return group("Stored, pending review", "Approve what the source really says; reject the rest.",
          (answer.created || []).map(function (q) { return reviewItem(q, doc); }), "review-created");
      },
      function () {
        return group("Already on record", "Not stored twice; this source was added to their sources.",
          (answer.existing || []).map(function (q) { return reviewItem(q, doc); }), "review-existing");
      },
      function () {
        return group("Skipped", "Not stored, and why.", (answer.skipped || []).map(function (s) { return skippedItem(s, doc); }),
          "review-skipped");
      }
    ]);
  }

  function showTranscript(answer) {
    var sourceId = answer.source && answer.source.id;
    return S.api("GET", ingestForm.getAttribute("data-sources-url") + "/" + sourceId).then(function (r) {
      var doc = r.data.document || "";
      var ids = (r.data.quotes || []).map(function (q) { return q.id; });
      return Promise.all(ids.slice(0, 200).map(function (id) { return S.api("GET", quotesUrl + "/" + id); })).then(function (rs) {
        showReview([
          function () {
            return group("Stored, pending review", answer.stored + " sentences, by " + (answer.speakers || []).map(function (s) {
              return s.speaker + " (" + s.quotes + ")"; }).join(", "),
              rs.map(function (x) { return reviewItem(x.data, doc); }), "review-created");
          },
          function () {
            return group("Skipped", "Not stored, and why.", (answer.skipped || []).map(function (s) { return skippedItem(s, null); }),
              "review-skipped");
          }
        ]);
      });
    });
  }

  // The queue: every pending quote, each beside its source's passage where the source keeps its text.
  var queueButton = $("load-queue");
  if (queueButton) {
    queueButton.addEventListener("click", function () {
      S.api("GET", queueButton.getAttribute("data-api-url")).then(function (r) {
        var items = r.data.items || [];
        var sourceIds = [];
        items.forEach(function (q) { (q.sources || []).forEach(function (s) { if (sourceIds.indexOf(s.id) < 0) sourceIds.push(s.id); }); });
        var docs = {};
        return Promise.all(sourceIds.slice(0, 20).map(function (id) {
          return S.api("GET", ingestForm.getAttribute("data-sources-url") + "/" + id + "?per_page=1").then(function (d) {
            docs[id] = d.data.document || "";
          }, function () {});
        })).then(function () {
          showReview([function () {
            return group("Pending review", r.data.total + " in all" + (r.data.total > items.length ? "; the first " + items.length + " here." : "."),
              items.map(function (q) {
                var doc = (q.sources || []).map(function (s) { return docs[s.id]; }).filter(Boolean)[0];
                return reviewItem(q, doc);
              }), "review-queue");
          }]);
        });
      }, function (err) {
        var say = $("queue-status");
        say.textContent = err.message;
        say.classList.add("field-error");
      });
    });
  }
})();
