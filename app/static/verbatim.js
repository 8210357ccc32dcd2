/* Verbatim: the reporter's page.
 *
 * Plain JavaScript, no dependencies. Everything the API returns is put in the
 * page with textContent / createTextNode / setAttribute, never parsed as HTML, so
 * a quote such as <img src=x onerror=alert(1)> is shown as the text it is.
 */
(function () {
  "use strict";

  var body = document.body;
  var VERIFY_URL = body.getAttribute("data-verify-url") || "/api/v1/verify";
  var ARTICLES_URL = body.getAttribute("data-articles-url") || "/api/v1/articles/check";
  var KEY_STORE = "verbatim.apiKey";
  var QUOTES_URL = body.getAttribute("data-quotes-url") || "/quotes";

  // --- small DOM helpers ----------------------------------------------------------

  // el("p", {class: "x"}, "text", node): text is always text (static/site.js).
  var el = window.VerbatimSite.el, append = window.VerbatimSite.append, clear = window.VerbatimSite.clear;

  function $(id) { return document.getElementById(id); }

  function isHttpUrl(url) { return typeof url === "string" && /^https?:\/\/\S+$/i.test(url.trim()); }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];

  /** "2025-09-03" -> "3 September 2025"; "2025-09" -> "September 2025"; else as is. */
  function humanDate(value) {
    if (!value || typeof value !== "string") return value || "";
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value.slice(0, 10));
    if (!m || value.length > 10 && !/^[T ]/.test(value.charAt(10))) return value;
    var month = m[2] ? MONTHS[parseInt(m[2], 10) - 1] : null;
    if (m[3] && month) return parseInt(m[3], 10) + " " + month + " " + m[1];
    if (month) return month + " " + m[1];
    return m[1];
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // --- the API ----------------------------------------------------------------------

  function ApiError(status, message, errors) {
    this.status = status;
    this.message = message;
    this.errors = errors || null;
  }

  var inflight = {};

  /** POST JSON; resolves with the answer, rejects with an ApiError carrying a readable message. */
  function post(url, payload, slot) {
    if (inflight[slot]) inflight[slot].abort();
    var controller = window.AbortController ? new AbortController() : null;
    inflight[slot] = controller;
    var headers = {"Content-Type": "application/json", "Accept": "application/json"};
    var key = apiKey();
    if (key) headers.Authorization = "Bearer " + key;
    return fetch(url, {
      method: "POST", headers: headers, body: JSON.stringify(payload), credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (resp) {
      return resp.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (!resp.ok) {
          var message = data && typeof data.message === "string" && data.message
            ? data.message
            : "The server answered " + resp.status + (resp.statusText ? " " + resp.statusText : "") + ".";
          throw new ApiError(resp.status, message, data && data.errors);
        }
        if (!data || typeof data !== "object") {
          throw new ApiError(resp.status, "The server’s answer could not be read.");
        }
        return data;
      });
    }, function (err) {
      if (err && err.name === "AbortError") throw err;
      throw new ApiError(0, "Could not reach the Verbatim server. Check the connection and try again.");
    }).finally(function () {
      if (inflight[slot] === controller) inflight[slot] = null;
    });
  }

  function apiKey() {
    try { return (sessionStorage.getItem(KEY_STORE) || "").trim(); } catch (e) { return ""; }
  }

  // --- errors -----------------------------------------------------------------------

  var FIELD_LABELS = {text: "Quote", speaker: "Speaker", date: "Date said", location: "Place",
                      reference_date: "Story date", html: "Article", published_at: "Publication date"};

  /** Flatten marshmallow's {"field": ["msg"], "nested": {...}} into [[field, message], ...]. */
  function flattenErrors(errors, prefix, out) {
    out = out || [];
    if (!errors) return out;
    if (typeof errors === "string") { out.push([prefix || "", errors]); return out; }
    if (Array.isArray(errors)) {
      errors.forEach(function (e) { flattenErrors(e, prefix, out); });
      return out;
    }
    if (typeof errors === "object") {
      Object.keys(errors).forEach(function (k) {
        flattenErrors(errors[k], prefix ? prefix + "." + k : k, out);
      });
    }
    return out;
  }

  function errorBox(title, err) {
    var hint = null;
    if (err.status === 401) hint = "This server asks for an API key: add one under “More options”.";
    else if (err.status === 403) hint = "The API key you gave may not do this.";
    else if (err.status === 413) hint = "Try a shorter text.";
    else if (err.status === 503) hint = "The service is temporarily unavailable. Try again in a moment.";
    else if (err.status >= 500) hint = "Something went wrong on the server. It has been logged; try again.";
    var list = flattenErrors(err.errors).filter(function (p) { return p[1]; });
    return el("div", {class: "card alert", role: "alert"},
      el("h2", {class: "alert__title"}, title),
      el("p", {class: "alert__message"}, err.message),
      list.length > 1 ? el("ul", {class: "alert__list"}, list.map(function (p) {
        return el("li", null, (FIELD_LABELS[p[0]] || p[0] || "Request") + ": " + p[1]);
      })) : null,
      hint ? el("p", {class: "alert__hint"}, hint) : null);
  }

  function showFieldErrors(form, errors, ids) {
    clearFieldErrors(form);
    flattenErrors(errors).forEach(function (pair) {
      var id = ids[pair[0]];
      if (!id) return;
      var input = $(id), msg = $(id + "-error");
      if (!input || !msg) return;
      input.setAttribute("aria-invalid", "true");
      msg.textContent = pair[1];
      msg.hidden = false;
    });
  }

  function clearFieldErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) {
      n.removeAttribute("aria-invalid");
    });
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (n) {
      n.textContent = ""; n.hidden = true;
    });
  }

  // --- rendering a verify answer ------------------------------------------------------

  var VERDICT = {
    verified: {label: "Verified", icon: "✓"},
    mismatch: {label: "Mismatch", icon: "!"},
    unverified: {label: "Unverified", icon: "?"}
  };

  var ISSUE_LABELS = {
    misattributed: "Wrong speaker", altered_wording: "Altered wording",
    wrong_date: "Wrong date", wrong_location: "Wrong place", spliced: "Not one remark"
  };

  var TEXT_STATUS = {
    exact: "Word for word",
    normalized: "Same words; punctuation or typography differs",
    fragment: "A faithful excerpt of a longer quote",
    altered: "The wording differs from the record"
  };

  var FLAG_LABELS = {negation: "changes a negation", number: "changes a number", name: "changes a name"};

  function verdictBadge(verdict, small) {
    var v = VERDICT[verdict] || {label: String(verdict || "Unknown"), icon: "?"};
    var kind = VERDICT[verdict] ? verdict : "unverified";
    return el("span", {class: "badge badge--" + kind + (small ? " badge--small" : ""), "data-verdict": kind},
      el("span", {class: "badge__icon", "aria-hidden": "true"}, v.icon), v.label);
  }

  var ISSUE_CLAUSES = {
    misattributed: "someone else said it", altered_wording: "the wording is altered",
    wrong_date: "the date is wrong", wrong_location: "the place is wrong"
  };

  function headline(answer) {
    if (answer.verdict === "verified") return "On record as quoted.";
    if (answer.verdict === "mismatch") {
      var clauses = (answer.issues || []).map(function (i) { return ISSUE_CLAUSES[i.type]; }).filter(Boolean);
      return clauses.length ? "On record, but " + listJoin(clauses) + "." : "On record, but quoted wrong.";
    }
    if (answer.match) return "Found on record, but not verified.";
    return "Not found on record.";
  }

  function listJoin(items) {
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  function copyButton(text) {
    if (!navigator.clipboard || !window.isSecureContext) return null;
    var btn = el("button", {type: "button", class: "btn btn--tiny", title: "Copy this sentence"}, "Copy");
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        btn.textContent = "Copied";
        setTimeout(function () { btn.textContent = "Copy"; }, 1500);
      }, function () { btn.textContent = "Copy failed"; });
    });
    return btn;
  }

  /** The full verify answer as a card. opts.compact: inside a draft's quote list. */
  function renderVerdict(answer, opts) {
    opts = opts || {};
    var card = el("article", {class: "card verdict verdict--" + (VERDICT[answer.verdict] ? answer.verdict : "unverified") +
      (opts.compact ? " verdict--compact" : "")});
    if (!opts.compact) {  // in a draft's list the badge and the findings are already shown
      card.appendChild(el("header", {class: "verdict__head"},
        verdictBadge(answer.verdict),
        el("h3", {class: "verdict__headline", tabindex: "-1"}, headline(answer))));
    }

    var claim = opts.claim;
    if (claim && claim.text) {
      var said = [claim.speaker, claim.date, claim.location].filter(Boolean).join(" · ");
      card.appendChild(el("p", {class: "verdict__claim"},
        el("span", {class: "verdict__claim-label"}, "You checked"),
        el("q", {class: "verdict__claim-text"}, claim.text),
        said ? el("span", {class: "verdict__claim-meta"}, said) : null));
    }

    var issues = opts.compact ? [] : (answer.issues || []);
    if (issues.length) {
      card.appendChild(el("ul", {class: "issues"}, issues.map(function (issue) {
        return el("li", {class: "issue issue--" + String(issue.type || "other")},
          el("span", {class: "issue__type"}, ISSUE_LABELS[issue.type] || issue.type || "Issue"),
          el("p", {class: "issue__message"}, issue.message || ""),
          copyButton(issue.message || ""));
      })));
    }
    if (answer.message && !opts.compact) card.appendChild(el("p", {class: "verdict__note"}, answer.message));

    var match = answer.match;
    if (!match) {
      if (answer.verdict === "unverified" && !answer.message && !opts.compact) {
        card.appendChild(el("p", {class: "verdict__note"},
          "Nothing in Verbatim’s store matches these words. The quote may still be real: " +
          "check it against the original recording or transcript."));
      }
    } else {
      card.appendChild(renderDiff(match.text));
      card.appendChild(renderRecord(match, match.text && match.text.diff));
    }

    var alts = answer.alternatives || [];
    if (alts.length) card.appendChild(renderAlternatives(alts));
    return card;
  }

  /** The canonical words with the claim's differences marked; skipped runs shown as "…". */
  function renderDiff(text) {
    var section = el("section", {class: "diff-block"});
    var ops = (text && text.diff) || [];
    var title = el("h4", {class: "section-title"}, "Your quote against the record");
    section.appendChild(title);
    var meta = [];
    if (text && TEXT_STATUS[text.status]) meta.push(TEXT_STATUS[text.status]);
    if (text && typeof text.score === "number" && text.status === "altered") meta.push(Math.round(text.score) + "% of words match");
    (text && text.flags || []).forEach(function (f) { meta.push(FLAG_LABELS[f] || f); });
    if (meta.length) section.appendChild(el("p", {class: "diff-meta"}, meta.join(" · ")));

    var line = el("p", {class: "diff", lang: "en"});
    var counts = {ins: 0, del: 0, sub: 0, ed: 0, gap: 0};
    var i = 0;
    function sep() { if (line.childNodes.length) line.appendChild(document.createTextNode(" ")); }
    while (i < ops.length) {
      var op = ops[i];
      if (op.gap) {
        var run = [];
        while (i < ops.length && ops[i].gap) { run.push(ops[i].canonical); i++; }
        sep();
        counts.gap++;
        line.appendChild(el("span", {class: "w w--gap", role: "img",
          "aria-label": "(" + plural(run.length, "word", "words") + " not quoted)",
          title: plural(run.length, "word", "words") + " not quoted: " + run.join(" ")}, "…"));
        continue;
      }
      sep();
      if (op.op === "equal") {
        line.appendChild(el("span", {class: "w" + (op.editorial ? " w--editorial" : ""),
          title: op.editorial ? "Editorial insertion (in brackets), not the speaker’s words" : null}, op.canonical || op.claimed));
        if (op.editorial) counts.ed++;
      } else if (op.op === "substitute" && op.editorial) {
        // Same word, other spelling or form: not an alteration.
        line.appendChild(el("span", {class: "w w--variant", title: "You wrote “" + op.claimed + "”"}, op.canonical));
      } else if (op.op === "substitute") {
        counts.sub++;
        line.appendChild(el("span", {class: "w-pair"},
          el("del", {class: "w w--claimed", title: "In your quote, not on record"},
            el("span", {class: "visually-hidden"}, "you wrote "), op.claimed),
          el("ins", {class: "w w--canonical", title: "On record"},
            el("span", {class: "visually-hidden"}, " on record "), op.canonical)));
      } else if (op.op === "insert") {
        if (op.editorial) {
          counts.ed++;
          line.appendChild(el("span", {class: "w w--editorial", title: "Your editorial insertion"}, "[" + op.claimed + "]"));
        } else {
          counts.del++;
          line.appendChild(el("del", {class: "w w--claimed", title: "In your quote, not on record"},
            el("span", {class: "visually-hidden"}, "added by you: "), op.claimed));
        }
      } else if (op.op === "delete") {
        if (op.editorial) {
          counts.ed++;
          line.appendChild(el("span", {class: "w w--editorial", title: "Editorial insertion (in brackets), not the speaker’s words"}, op.canonical));
        } else {
          counts.ins++;
          line.appendChild(el("ins", {class: "w w--canonical", title: "On record, missing from your quote"},
            el("span", {class: "visually-hidden"}, "missing from your quote: "), op.canonical));
        }
      } else {
        line.appendChild(el("span", {class: "w"}, op.canonical || op.claimed || ""));
      }
      i++;
    }
    section.appendChild(line);

    var legend = [];
    if (counts.sub || counts.del) legend.push(el("li", null, el("del", {class: "w w--claimed"}, "struck"), " in your quote, not on record"));
    if (counts.sub || counts.ins) legend.push(el("li", null, el("ins", {class: "w w--canonical"}, "marked"), " on record, not in your quote"));
    if (counts.gap) legend.push(el("li", null, el("span", {class: "w w--gap"}, "…"), " words you did not quote"));
    if (counts.ed) legend.push(el("li", null, el("span", {class: "w w--editorial"}, "dimmed"), " editorial insertion"));
    if (legend.length) section.appendChild(el("ul", {class: "diff-legend", "aria-label": "Key"}, legend));
    return section;
  }

  var CHECK_TEXT = {
    match: "matches", mismatch: "differs", ambiguous: "ambiguous", not_claimed: "not checked",
    unparseable: "could not be read", unknown: "not on record"
  };

  function checkChip(check) {
    if (!check || !check.status) return null;
    var text = CHECK_TEXT[check.status] || check.status;
    if (check.status === "mismatch" && check.claimed) text = "you wrote “" + check.claimed + "”";
    if (check.status === "ambiguous" && check.claimed) text = "“" + check.claimed + "” is ambiguous";
    if (check.status === "unparseable" && check.claimed) text = "could not read “" + check.claimed + "”";
    return el("span", {class: "check check--" + check.status, title: check.message || null}, text);
  }

  /** Where the claim's words are in the record's text: [[start, end], ...], or [] when it quotes it all. */
  function quotedSpans(text, ops) {
    ops = ops || [];
    if (!text || !ops.some(function (o) { return o.gap; }) || !ops.some(function (o) { return !o.gap; })) return [];
    var pos = 0, spans = [];
    for (var i = 0; i < ops.length; i++) {
      var word = ops[i].canonical;
      if (!word) continue; // a word only the claim has
      var at = text.indexOf(word, pos);
      if (at < 0) return []; // the words cannot be placed: no highlight
      if (!ops[i].gap) {
        var last = spans[spans.length - 1];
        if (last && !/[\p{L}\p{N}]/u.test(text.slice(last[1], at))) last[1] = at + word.length;
        else spans.push([at, at + word.length]);
      }
      pos = at + word.length;
    }
    return spans;
  }

  /** The record's text: the words the claim quotes highlighted, (bracketed) editorial insertions dimmed. */
  function recordText(text, ops) {
    var quoted = quotedSpans(text, ops);
    var editorial = [], re = /\([^()]*\)|\[[^\[\]]*\]/g, m;
    while ((m = re.exec(text))) editorial.push([m.index, m.index + m[0].length]);
    if (!quoted.length && !editorial.length) return [text];
    var cuts = [0, text.length];
    quoted.concat(editorial).forEach(function (r) { cuts.push(r[0], r[1]); });
    cuts = cuts.filter(function (c, i, a) { return a.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    function inside(list, a, b) { return list.some(function (r) { return r[0] <= a && b <= r[1]; }); }
    var out = [];
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      if (a === b) continue;
      var piece = text.slice(a, b), node = piece;
      if (inside(editorial, a, b)) {
        node = el("span", {class: "w--editorial", title: "Editorial insertion, not the speaker’s words"}, piece);
      }
      if (inside(quoted, a, b)) {
        var prev = out[out.length - 1];
        if (prev && prev.nodeName === "MARK") { append(prev, node); continue; }
        node = el("mark", {class: "quoted", title: "The words you quoted"}, node);
      }
      out.push(node);
    }
    return out;
  }

  function renderRecord(match, diff) {
    var q = match.quote || {};
    var passage = match.passage;
    var section = el("section", {class: "record"});
    // A passage: the claim runs across several stored quotes said in a row; the diff is over all of them.
    section.appendChild(el("h4", {class: "section-title"},
      passage ? "On record: " + passage.quote_ids.length + " sentences said in a row" : "On record"));
    section.appendChild(el("blockquote", {class: "record__quote", lang: q.language || null},
      recordText(passage ? passage.text : (q.text || ""), diff)));
    if (match.context) section.appendChild(renderContext(match.context, passage ? passage.text : (q.text || "")));

    var dl = el("dl", {class: "facts"});
    function row(label, value, check, plain) {
      if (!value && !check) return;
      dl.appendChild(el("div", {class: "facts__row"},
        el("dt", null, label),
        el("dd", null, el("span", {class: plain ? "facts__text" : "facts__value"}, value || "—"), " ", checkChip(check))));
    }
    row("Speaker", q.speaker, match.speaker);
    row("Date", (match.date && match.date.canonical) || humanDate(q.spoken_at), match.date);
    row("Place", q.location || (match.location && match.location.canonical), match.location);
    row("Event", q.event, null, true);
    row("Context", q.context, null, true);
    section.appendChild(dl);

    var sources = q.sources || [];
    if (sources.length) {
      section.appendChild(el("h4", {class: "section-title"}, sources.length === 1 ? "Source" : "Sources"));
      section.appendChild(el("ul", {class: "sources"}, sources.map(function (s) {
        var title = s.title || s.url || "Untitled";
        var titleNode = isHttpUrl(s.url)
          ? el("a", {href: s.url.trim(), target: "_blank", rel: "noopener noreferrer"}, title)
          : el("span", {class: "sources__title"}, title);
        return el("li", null,
          s.publisher ? el("span", {class: "sources__publisher"}, s.publisher) : null,
          titleNode,
          s.published_at ? el("span", {class: "sources__date"}, humanDate(s.published_at)) : null);
      })));
    }
    if (typeof q.id === "number") {
      section.appendChild(el("p", {class: "record__link"},
        el("a", {href: QUOTES_URL + "/" + q.id}, "The quote’s page on the record")));
    }
    return section;
  }

  /** What was said just before and after the matched words, from the source's document or sequence. */
  function renderContext(ctx, text) {
    var section = el("section", {class: "context", "aria-label": "What was said before and after"});
    section.appendChild(el("h4", {class: "section-title"}, "In context"));
    section.appendChild(el("p", {class: "context__text"},
      ctx.before ? el("span", {class: "context__before"}, "\u2026" + ctx.before + " ") : null,
      el("span", {class: "context__quote"}, text),
      ctx.after ? el("span", {class: "context__after"}, " " + ctx.after + "\u2026") : null));
    var name = ctx.title || ctx.url || ctx.publisher;
    if (name) {
      section.appendChild(el("p", {class: "context__source muted small"}, "From ",
        isHttpUrl(ctx.url) ? el("a", {href: ctx.url.trim(), target: "_blank", rel: "noopener noreferrer"}, name)
                           : el("span", null, name),
        ctx.publisher && name !== ctx.publisher ? " (" + ctx.publisher + ")" : ""));
    }
    return section;
  }

  function renderAlternatives(alts) {
    var section = el("section", {class: "alternatives"});
    section.appendChild(el("h4", {class: "section-title"}, "Also on record"));
    section.appendChild(el("p", {class: "muted small"}, "Other stored quotes that fit nearly as well (the same line said on another occasion, for example)."));
    section.appendChild(el("ul", {class: "alt-list"}, alts.map(function (m) {
      var q = m.quote || {};
      var meta = [q.speaker, q.location, humanDate(q.spoken_at)].filter(Boolean).join(" · ");
      return el("li", {class: "alt"},
        el("blockquote", {class: "alt__quote"}, q.text || ""),
        el("p", {class: "alt__meta"}, meta,
          typeof m.score === "number" ? el("span", {class: "alt__score"}, "fit " + Math.round(m.score) + "/100") : null));
    })));
    return section;
  }

  // --- tabs -------------------------------------------------------------------------

  var tabs = [$("tab-verify"), $("tab-draft")];

  function selectTab(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
    var hash = tab.id === "tab-draft" ? "#draft" : "#verify";
    if (location.hash !== hash && history.replaceState) history.replaceState(null, "", hash);
  }

  tabs.forEach(function (tab, idx) {
    tab.addEventListener("click", function () { selectTab(tab, false); });
    tab.addEventListener("keydown", function (e) {
      var next = null;
      if (e.key === "ArrowRight") next = tabs[(idx + 1) % tabs.length];
      else if (e.key === "ArrowLeft") next = tabs[(idx - 1 + tabs.length) % tabs.length];
      else if (e.key === "Home") next = tabs[0];
      else if (e.key === "End") next = tabs[tabs.length - 1];
      if (next) { e.preventDefault(); selectTab(next, true); }
    });
  });
  function tabFromHash() {
    if (location.hash === "#draft") selectTab(tabs[1], false);
    else if (location.hash === "#verify") selectTab(tabs[0], false);
  }
  // Without JavaScript both forms are shown and post to the server; with it, tabs.
  $("tab-verify").parentNode.hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll(".examples, #draft-sample, .kbd-hint"), function (n) { n.hidden = false; });
  var served = body.getAttribute("data-tab") === "draft" ? tabs[1] : tabs[0];
  if (location.hash === "#draft") served = tabs[1];
  else if (location.hash === "#verify") served = tabs[0];
  tabs.forEach(function (t) {
    var on = t === served;
    t.setAttribute("aria-selected", on ? "true" : "false");
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  });
  window.addEventListener("hashchange", tabFromHash);

  // --- settings ---------------------------------------------------------------------

  var keyInput = $("api-key");
  keyInput.value = apiKey();
  keyInput.addEventListener("change", function () {
    try {
      if (keyInput.value.trim()) sessionStorage.setItem(KEY_STORE, keyInput.value.trim());
      else sessionStorage.removeItem(KEY_STORE);
    } catch (e) { /* storage disabled: the key is simply not remembered */ }
  });

  // --- the verify form ----------------------------------------------------------------

  var EXAMPLES = {
    "putin-paris": {text: "if Zelenskyy is ready, let him come to Moscow", speaker: "Putin", date: "", location: "Paris"},
    "zelenskyy-as-putin": {text: "invite me to Moscow", speaker: "Putin", date: "", location: ""},
    "not-bad": {text: "Russia has started talking about a meeting, which is already bad", speaker: "Zelenskyy", date: "4 September 2025", location: "Paris"},
    "putin-beijing": {text: "if Zelenskyy is ready, let him come to Moscow", speaker: "Vladimir Putin", date: "3 September 2025", location: "Beijing"}
  };

  var vForm = $("verify-form");
  var vOut = $("verify-output");
  var vResults = $("verify-results");
  var vSubmit = $("verify-submit");
  var VERIFY_FIELDS = {text: "q-text", speaker: "q-speaker", date: "q-date", location: "q-location", reference_date: "q-reference"};

  Array.prototype.forEach.call(document.querySelectorAll("[data-example]"), function (btn) {
    btn.addEventListener("click", function () {
      var ex = EXAMPLES[btn.getAttribute("data-example")];
      if (!ex) return;
      $("q-text").value = ex.text;
      $("q-speaker").value = ex.speaker;
      $("q-date").value = ex.date;
      $("q-location").value = ex.location;
      $("q-reference").value = "";
      verify();
    });
  });

  function verifyPayload() {
    var payload = {text: $("q-text").value};
    ["speaker", "date", "location"].forEach(function (name) {
      var v = $(VERIFY_FIELDS[name]).value.trim();
      if (v) payload[name] = v;
    });
    var ref = $("q-reference").value;
    if (ref) payload.reference_date = ref;
    return payload;
  }

  function busy(button, on, label) {
    if (on) {
      if (!button.disabled) button.setAttribute("data-label", button.textContent);
      button.textContent = label;
      button.disabled = true;
    } else {
      button.textContent = button.getAttribute("data-label") || button.textContent;
      button.disabled = false;
    }
  }

  var latest = {};

  /** Send one request and show its answer (or a readable error) in cfg.out; the last request wins. */
  function send(cfg) {
    var mine = latest[cfg.slot] = (latest[cfg.slot] || 0) + 1;
    clearFieldErrors(cfg.form);
    cfg.status.textContent = "";
    busy(cfg.button, true, cfg.busyLabel);
    cfg.results.setAttribute("aria-busy", "true");
    return post(cfg.url, cfg.payload, cfg.slot).then(function (answer) {
      var node = cfg.render(answer); // may throw on an answer of an unexpected shape: caught below
      clear(cfg.out);
      cfg.out.appendChild(node);
      cfg.status.textContent = cfg.announce(answer); // read out by screen readers (role=status)
      if (cfg.after) cfg.after();
    }).catch(function (err) {
      if (err && err.name === "AbortError") return;
      if (!(err instanceof ApiError)) {
        if (window.console) console.error(err);
        err = new ApiError(0, "The answer could not be shown (" + (err && err.message || err) + ").");
      }
      if (cfg.mapError) err = cfg.mapError(err);
      clear(cfg.out);
      cfg.out.appendChild(errorBox(cfg.errorTitle, err));
      showFieldErrors(cfg.form, err.errors, cfg.fields);
    }).finally(function () {
      if (mine !== latest[cfg.slot]) return; // a newer request owns the button now
      busy(cfg.button, false);
      cfg.results.removeAttribute("aria-busy");
    });
  }

  function verify() {
    var payload = verifyPayload();
    return send({
      slot: "verify", url: VERIFY_URL, payload: payload, form: vForm, fields: VERIFY_FIELDS,
      button: vSubmit, busyLabel: "Verifying…", results: vResults, out: vOut, status: $("verify-status"),
      errorTitle: "Could not verify this quote",
      announce: function (answer) {
        var v = VERDICT[answer.verdict];
        return (v ? v.label + ". " : "") + headline(answer);
      },
      render: function (answer) { return renderVerdict(answer, {claim: payload}); },
      after: function () {
        // Keyboard and screen-reader users land on the verdict (and a phone scrolls to it).
        var h = vOut.querySelector(".verdict__headline");
        if (h) h.focus();
      }
    });
  }

  vForm.addEventListener("submit", function (e) { e.preventDefault(); verify(); });
  vForm.addEventListener("reset", function () {
    clearFieldErrors(vForm);
    setTimeout(function () { keyInput.value = apiKey(); $("q-text").focus(); }, 0);
  });
  vForm.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); verify(); }
  });

  // --- the draft form -------------------------------------------------------------------

  var SAMPLE_DRAFT = [
    "Putin and Zelenskyy trade invitations to Moscow",
    "",
    "Speaking at a news conference in Paris on Wednesday, Russian President Vladimir Putin said: \"Ultimately, if Zelenskyy is ready, let him come to Moscow.\"",
    "Ukrainian President Volodymyr Zelenskyy answered on Thursday in Paris that \"if you want to avoid a meeting, you should invite me to Moscow.\"",
    "\"Russia has started talking about a meeting, which is already bad,\" Zelenskyy said.",
    "\"I have never refused this, provided the meeting is well-prepared,\" Putin said in Beijing.",
    "\"We will sign a peace treaty before the end of the month,\" a Kremlin spokesman told reporters."
  ].join("\n");

  var dForm = $("draft-form");
  var dOut = $("draft-output");
  var dResults = $("draft-results");
  var dSubmit = $("draft-submit");
  var DRAFT_FIELDS = {text: "d-text", html: "d-text", published_at: "d-published"};

  $("draft-sample").addEventListener("click", function () {
    $("d-text").value = SAMPLE_DRAFT;
    $("d-published").value = "2025-09-04";
    $("d-text").focus();
  });

  function looksLikeHtml(s) {
    return /^\s*</.test(s) && /<\/?(html|body|article|main|section|div|p|br|h[1-6]|span|blockquote|ul|ol|li|a)\b[^>]*>/i.test(s);
  }

  function checkDraft() {
    var raw = $("d-text").value;
    var payload = looksLikeHtml(raw) ? {html: raw} : {text: raw};
    var published = $("d-published").value;
    if (published) payload.published_at = published;
    return send({
      slot: "draft", url: ARTICLES_URL, payload: payload, form: dForm, fields: DRAFT_FIELDS,
      button: dSubmit, busyLabel: "Checking…", results: dResults, out: dOut, status: $("draft-status"),
      errorTitle: "Could not check this draft",
      announce: function (answer) {
        var n = Array.isArray(answer.quotes) ? answer.quotes.length : 0, sm = answer.summary || {};
        return plural(n, "quote", "quotes") + " found: " + (sm.verified || 0) + " verified, " +
          (sm.mismatch || 0) + " mismatch, " + (sm.unverified || 0) + " unverified.";
      },
      render: renderDraft,
      after: function () {
        // The findings, not the form: on a phone they are below the fold.
        var h = dOut.querySelector(".draft__headline");
        if (h) h.focus();
      },
      mapError: function (err) {
        if (err.status !== 404) return err;
        return new ApiError(404, "Checking whole drafts is not available on this server yet. " +
          "Verify quotes one at a time in the “Verify a quote” tab.");
      }
    });
  }

  dForm.addEventListener("submit", function (e) { e.preventDefault(); checkDraft(); });
  dForm.addEventListener("reset", function () { clearFieldErrors(dForm); clear(dOut); });
  dForm.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); checkDraft(); }
  });

  /** Python counts code points, JavaScript UTF-16 units: map one to the other. */
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return function (i) { return i; };
    var map = []; // map[code point index] = UTF-16 index
    for (var j = 0; j < text.length; j++) {
      map.push(j);
      var code = text.charCodeAt(j);
      if (code >= 0xD800 && code <= 0xDBFF && j + 1 < text.length) j++;
    }
    map.push(text.length);
    return function (i) { return map[Math.max(0, Math.min(i, map.length - 1))]; };
  }

  function verdictOf(q) { return (q.verification && VERDICT[q.verification.verdict]) ? q.verification.verdict : "unverified"; }

  function shortMessage(q) {
    var v = q.verification || {};
    var issues = v.issues || [];
    if (issues.length) return issues.map(function (i) { return i.message; }).join(" ");
    if (v.message) return v.message;
    if (v.verdict === "verified") return "Verified: on record as quoted.";
    if (v.error) return v.error;
    return v.match ? "Found on record, but not verified." : "Not found on record.";
  }

  function renderDraft(answer) {
    var text = typeof answer.text === "string" ? answer.text : "";
    var quotes = Array.isArray(answer.quotes) ? answer.quotes : [];
    var summary = answer.summary || {};
    var wrap = el("div", {class: "draft"});

    // Summary counts.
    var total = quotes.length;
    var counts = ["verified", "mismatch", "unverified"].map(function (k) {
      var n = typeof summary[k] === "number" ? summary[k] : quotes.filter(function (q) { return verdictOf(q) === k; }).length;
      return el("li", {class: "count count--" + k, "data-verdict": k},
        el("span", {class: "count__n"}, String(n)),
        el("span", {class: "count__label"}, VERDICT[k].label));
    });
    wrap.appendChild(el("div", {class: "card draft__summary"},
      el("h3", {class: "draft__headline", tabindex: "-1"}, total ? plural(total, "quote", "quotes") + " found in the draft" : "No direct quotes found in the draft"),
      el("ul", {class: "counts", "aria-label": "Summary"}, counts)));
    if (!total && !text) return wrap;

    // The article with each quote highlighted.
    var toUnit = offsetMapper(text);
    var spans = [];
    quotes.forEach(function (q, idx) {
      if (typeof q.start === "number" && typeof q.end === "number" && q.end > q.start) {
        spans.push({start: toUnit(q.start), end: toUnit(q.end), kind: "quote", idx: idx});
      }
      var sp = q.speaker;
      if (sp && typeof sp.start === "number" && typeof sp.end === "number" && sp.end > sp.start) {
        spans.push({start: toUnit(sp.start), end: toUnit(sp.end), kind: "speaker", idx: idx, name: sp.name});
      }
    });
    spans.sort(function (a, b) { return a.start - b.start || (a.kind === "quote" ? -1 : 1); });

    var article = el("div", {class: "article", lang: "en"});
    var pos = 0, markFor = {};
    spans.forEach(function (s) {
      if (s.start < pos || s.end > text.length) return; // overlapping or out of range: leave as text
      if (s.start > pos) article.appendChild(document.createTextNode(text.slice(pos, s.start)));
      var words = text.slice(s.start, s.end);
      if (s.kind === "quote") {
        var q = quotes[s.idx], verdict = verdictOf(q);
        var mark = el("mark", {class: "q q--" + verdict, tabindex: "0", role: "button",
          "data-quote": String(s.idx), "data-verdict": verdict,
          title: VERDICT[verdict].label + ": " + shortMessage(q),
          "aria-label": VERDICT[verdict].label + " quote " + (s.idx + 1) + ": " + words}, words);
        markFor[s.idx] = mark;
        article.appendChild(mark);
      } else {
        article.appendChild(el("span", {class: "who", title: "Speaker: " + (s.name || "")}, words));
      }
      pos = s.end;
    });
    if (pos < text.length) article.appendChild(document.createTextNode(text.slice(pos)));

    // The list of quotes, each with its verification.
    var list = el("ol", {class: "qlist"});
    var items = quotes.map(function (q, idx) {
      var verdict = verdictOf(q);
      var v = q.verification || {};
      var meta = [];
      if (q.speaker && q.speaker.name) meta.push(q.speaker.name);
      else meta.push("speaker not found");
      if (q.location) meta.push(q.location);
      if (q.date) meta.push(humanDate(q.date));
      var details = el("div", {class: "qitem__details", hidden: true});
      var toggle = el("button", {type: "button", class: "btn btn--tiny", "aria-expanded": "false"}, "Details");
      toggle.addEventListener("click", function () {
        var open = details.hidden;
        if (open && !details.firstChild && v.verdict) details.appendChild(renderVerdict(v, {compact: true}));
        details.hidden = !open;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        toggle.textContent = open ? "Hide details" : "Details";
      });
      var li = el("li", {class: "qitem qitem--" + verdict, id: "draft-quote-" + idx, tabindex: "-1", "data-verdict": verdict},
        el("div", {class: "qitem__head"}, verdictBadge(verdict, true), el("span", {class: "qitem__meta"}, meta.join(" · "))),
        el("blockquote", {class: "qitem__quote"}, q.text || ""),
        el("p", {class: "qitem__message"}, shortMessage(q)),
        v.match || (v.alternatives && v.alternatives.length) ? toggle : null,
        details);
      li.addEventListener("mouseenter", function () { if (markFor[idx]) markFor[idx].classList.add("is-linked"); });
      li.addEventListener("mouseleave", function () { if (markFor[idx]) markFor[idx].classList.remove("is-linked"); });
      list.appendChild(li);
      return li;
    });

    function select(idx) {
      items.forEach(function (li, i) { li.classList.toggle("is-selected", i === idx); });
      Object.keys(markFor).forEach(function (k) { markFor[k].classList.toggle("is-selected", Number(k) === idx); });
      var li = items[idx];
      if (li) {
        li.scrollIntoView({block: "nearest", behavior: "smooth"});
        li.focus({preventScroll: true});
      }
    }
    Object.keys(markFor).forEach(function (k) {
      var mark = markFor[k];
      mark.addEventListener("click", function () { select(Number(k)); });
      mark.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(Number(k)); }
      });
    });

    wrap.appendChild(el("div", {class: "draft__grid"},
      el("section", {class: "card draft__article", "aria-label": "The draft with its quotes marked"},
        el("h3", {class: "section-title"}, "The draft"),
        el("p", {class: "muted small"}, "Quotes are marked by verdict. Hover for the finding; click to see it in the list."),
        article),
      el("section", {class: "card draft__quotes", "aria-label": "Quotes and findings"},
        el("h3", {class: "section-title"}, "Quotes"),
        total ? list : el("p", {class: "muted"}, "No direct quotes were found."))));
    return wrap;
  }

  // Exposed for the browser tests and the console; nothing else reads it.
  window.Verbatim = {renderVerdict: renderVerdict, renderDraft: renderDraft};
})();
