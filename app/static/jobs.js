/* Verbatim: bulk jobs (/jobs). Upload a file of claims, follow the job, download its answers.
 *
 * The file is read by the browser and POSTed as it is to
 * POST /api/v1/jobs/verify with its Content-Type (text/csv,
 * application/x-ndjson or application/json) and the tab's write key. The
 * job is polled (GET /api/v1/jobs/<id>) until it finishes; its answers come
 * from GET /api/v1/jobs/<id>/results (JSON Lines).
 *
 * Two calls are in JobsApi below, apart from the rest, because the API is
 * growing them (issue 13a): the list of past jobs (today: the jobs this
 * browser submitted, remembered in localStorage; then GET /api/v1/jobs, the
 * calling key's jobs) and the CSV download (today: the JSON Lines answers
 * turned into CSV here; then GET /api/v1/jobs/<id>/results?format=csv).
 */
(function () {
  "use strict";

  var S = window.VerbatimSite, el = S.el, clear = S.clear;
  var form = document.getElementById("job-form");
  if (!form) return;
  var API = form.getAttribute("data-api-url");
  var MAX_BYTES = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var POLL_MS = 1000;
  var REMEMBERED = "verbatim.jobs";

  function $(id) { return document.getElementById(id); }

  var TYPES = {csv: "text/csv", jsonl: "application/x-ndjson", ndjson: "application/x-ndjson", json: "application/json"};

  function typeOf(file) {
    var ext = (/\.([a-z0-9]+)$/i.exec(file.name) || [])[1];
    return TYPES[(ext || "").toLowerCase()] || (file.type && /csv|json/.test(file.type) ? file.type : null);
  }

  // --- the calls that change when issue 13a is merged --------------------------------------

  var JobsApi = {
    /** Past jobs, newest first: [{id, name}] (name: the file's, when known). */
    list: function () {
      var mine = [];
      try { mine = JSON.parse(localStorage.getItem(REMEMBERED) || "[]"); } catch (e) { mine = []; }
      return Promise.resolve(Array.isArray(mine) ? mine : []);
      // After 13a: return S.api("GET", API).then(function (r) { return r.data.items; });
    },
    remember: function (job, name) {
      var mine = [];
      try { mine = JSON.parse(localStorage.getItem(REMEMBERED) || "[]"); } catch (e) { mine = []; }
      mine = [{id: job.id, name: name}].concat(mine.filter(function (j) { return j.id !== job.id; })).slice(0, 50);
      try { localStorage.setItem(REMEMBERED, JSON.stringify(mine)); } catch (e) { /* not remembered */ }
    },
    /** The answers as CSV text. */
    csv: function (job) {
      return JobsApi.jsonl(job).then(toCsv);
      // After 13a: return S.api("GET", API + "/" + job.id + "/results?format=csv", null, {text: true, accept: "text/csv"})
      //   .then(function (r) { return r.data; });
    },
    /** The answers as JSON Lines text. */
    jsonl: function (job) {
      return S.api("GET", API + "/" + job.id + "/results", null, {text: true, accept: "application/x-ndjson"})
        .then(function (r) { return r.data; });
    }
  };

  var CSV_COLUMNS = ["line", "id", "verdict", "issues", "messages", "quote_id", "quote_text", "speaker", "spoken_at",
                     "location", "score"];

  function cell(value) {
    var s = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not run it as a formula
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(jsonl) {
    var rows = [CSV_COLUMNS.join(",")];
    jsonl.split("\n").forEach(function (line) {
      if (!line.trim()) return;
      var a;
      try { a = JSON.parse(line); } catch (e) { return; }
      var m = a.match || {}, q = m.quote || {};
      var issues = a.issues || [];
      rows.push([a.line, a.id, a.verdict, issues.map(function (i) { return i.type; }).join(" "),
        issues.map(function (i) { return i.message; }).join(" ") || (a.error && a.error.message) || "",
        q.id, q.text, q.speaker, q.spoken_at, q.location,
        typeof m.score === "number" ? Math.round(m.score) : ""].map(cell).join(","));
    });
    return rows.join("\r\n") + "\r\n";
  }

  // --- one job: progress, then downloads ----------------------------------------------------

  var timer = null, current = null, urls = [];

  function counts(summary) {
    var box = $("job-counts");
    clear(box);
    [["verified", "Verified"], ["mismatch", "Mismatch"], ["unverified", "Unverified"], ["error", "Errors"]].forEach(function (k) {
      var n = (summary || {})[k[0]] || 0;
      if (k[0] === "error" && !n) return;
      box.appendChild(el("li", {class: "count count--" + (k[0] === "error" ? "unverified" : k[0]), "data-verdict": k[0]},
        el("span", {class: "count__n"}, String(n)), " ", el("span", {class: "count__label"}, k[1])));
    });
  }

  function link(id, text, type, name) {
    var a = $(id);
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    urls.push(url);
    a.href = url;
    a.setAttribute("download", name);
  }

  function downloads(job) {
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    var base = "verbatim-" + job.id.slice(0, 8);
    return Promise.all([JobsApi.jsonl(job), JobsApi.csv(job)]).then(function (texts) {
      link("download-jsonl", texts[0], "application/x-ndjson", base + ".jsonl");
      link("download-csv", texts[1], "text/csv", base + ".csv");
      $("job-downloads").hidden = false;
    }, function (err) { $("job-state").textContent = "The answers could not be fetched: " + err.message; });
  }

  function show(job) {
    var bar = $("job-progress");
    bar.max = Math.max(1, job.total);
    bar.value = job.done;
    var pct = job.total ? Math.floor(100 * job.done / job.total) : 100;
    var state = {queued: "Waiting to start", running: "Verifying", finished: "Finished", failed: "Stopped"}[job.status] || job.status;
    $("job-state").textContent = state + ": " + job.done.toLocaleString("en") + " of " + job.total.toLocaleString("en") +
      " claims answered (" + pct + "%)." + (job.error ? " " + job.error : "");
    $("job").setAttribute("data-status", job.status);
    counts(job.summary);
  }

  function follow(job, name) {
    if (timer) clearTimeout(timer);
    current = job.id;
    $("job").hidden = false;
    $("job-downloads").hidden = true;
    $("job-title").textContent = "Job " + job.id.slice(0, 8);
    $("job-name").textContent = name ? "From " + name : "";
    show(job);
    function poll() {
      S.api("GET", API + "/" + job.id).then(function (r) {
        if (current !== job.id) return;
        show(r.data);
        if (r.data.status === "finished" || r.data.status === "failed") {
          if (r.data.done) downloads(r.data);
          refreshList();
        } else {
          timer = setTimeout(poll, POLL_MS);
        }
      }, function (err) {
        $("job-state").textContent = err.message;
        timer = setTimeout(poll, POLL_MS * 5);
      });
    }
    poll();
  }

  // --- the upload ---------------------------------------------------------------------------

  function fileError(message) {
    var box = $("job-file-error");
    box.textContent = message || "";
    box.hidden = !message;
    if (message) $("job-file").setAttribute("aria-invalid", "true");
    else $("job-file").removeAttribute("aria-invalid");
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var file = $("job-file").files[0];
    fileError("");
    clear($("job-skipped"));
    if (!file) { fileError("Choose a file first."); $("job-file").focus(); return; }
    var type = typeOf(file);
    if (!type) { fileError("Use a .csv, .jsonl, .ndjson or .json file."); return; }
    if (MAX_BYTES && file.size > MAX_BYTES) { fileError("The file is larger than " + Math.floor(MAX_BYTES / 1048576) + " MB: split it."); return; }
    var button = $("job-submit");
    button.disabled = true;
    S.api("POST", API + "/verify", file, {raw: true, contentType: type}).then(function (r) {
      var job = r.data;
      JobsApi.remember(job, file.name);
      var skipped = job.errors || [];
      if (job.rejected) {
        $("job-skipped").appendChild(el("div", {class: "alert card"},
          el("p", {class: "alert__message"}, job.rejected + " line" + (job.rejected === 1 ? " was" : "s were") + " skipped:"),
          el("ul", {class: "alert__list"}, skipped.slice(0, 10).map(function (x) {
            return el("li", null, "Line " + x.line + ": " + JSON.stringify(x.errors));
          }))));
      }
      follow(job, file.name);
      $("job-title").focus();
      refreshList();
    }, function (err) {
      fileError(err.message);
      $("job-file").focus();
    }).then(function () { button.disabled = false; });
  });

  // --- past jobs ----------------------------------------------------------------------------

  function refreshList() {
    var body = $("past-jobs");
    return JobsApi.list().then(function (jobs) {
      return Promise.all(jobs.map(function (j) {
        return S.api("GET", API + "/" + j.id).then(function (r) { return {job: r.data, name: j.name}; }, function () { return null; });
      }));
    }).then(function (rows) {
      clear(body);
      rows = rows.filter(Boolean);
      if (!rows.length) { body.appendChild(el("tr", null, el("td", {colspan: "6", class: "muted"}, "No jobs yet."))); return; }
      rows.forEach(function (row) {
        var job = row.job, sm = job.summary || {};
        var open = el("button", {type: "button", class: "btn btn--tiny"}, "Open");
        open.addEventListener("click", function () { follow(job, row.name); $("job-title").focus(); });
        body.appendChild(el("tr", {"data-job-id": job.id},
          el("td", null, row.name || job.id.slice(0, 8)),
          el("td", null, (job.created_at || "").replace("T", " ").slice(0, 16)),
          el("td", null, job.status),
          el("td", null, job.done + " / " + job.total),
          el("td", null, (sm.verified || 0) + " verified, " + (sm.mismatch || 0) + " mismatch, " + (sm.unverified || 0) + " unverified"),
          el("td", null, open)));
      });
    });
  }

  document.addEventListener("verbatim:key", refreshList);
  refreshList();
  window.VerbatimJobs = {api: JobsApi, toCsv: toCsv};
})();
