/* Verbatim: bulk jobs (/jobs). Upload a file of claims, follow the job, download its answers.
 *
 * The file goes to POST /api/v1/jobs/verify as a multipart upload (field
 * "file", and "name": the file's name, the job's label) with the tab's write
 * key. The job is polled (GET /api/v1/jobs/<id>) until it finishes; its
 * answers are GET /api/v1/jobs/<id>/results as JSON Lines or, with
 * ?format=csv, as spreadsheet CSV. Past jobs are GET /api/v1/jobs: the jobs
 * of the key in this tab.
 *
 * The downloads are plain links to the API, streamed by the server (a job
 * may have 100,000 answers). When the server requires a key for reading
 * (data-reads-open="false"), a link cannot carry the key: the answers are
 * then fetched with it and offered from memory.
 */
(function () {
  "use strict";

  var S = window.VerbatimSite, el = S.el, clear = S.clear;
  var form = document.getElementById("job-form");
  if (!form) return;
  var API = form.getAttribute("data-api-url");
  var MAX_BYTES = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var READS_OPEN = form.getAttribute("data-reads-open") !== "false";
  var POLL_MS = 1000;

  function $(id) { return document.getElementById(id); }

  var KINDS = /\.(csv|tsv|jsonl|ndjson|json)$/i;

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

  function resultsUrl(job, format) {
    return API + "/" + job.id + "/results" + (format === "csv" ? "?format=csv" : "");
  }

  /** The two download links: straight to the API, or (reads need a key) fetched with it. */
  function downloads(job) {
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    var base = "verbatim-job-" + job.id;
    var links = [["download-csv", "csv", "text/csv", base + ".csv"],
                 ["download-jsonl", "jsonl", "application/x-ndjson", base + ".jsonl"]];
    if (READS_OPEN) {
      links.forEach(function (l) { $(l[0]).href = resultsUrl(job, l[1]); $(l[0]).setAttribute("download", l[3]); });
      $("job-downloads").hidden = false;
      return Promise.resolve();
    }
    return Promise.all(links.map(function (l) {
      return S.api("GET", resultsUrl(job, l[1]), null, {text: true, accept: l[2]}).then(function (r) {
        var url = URL.createObjectURL(new Blob([r.data], {type: l[2]}));
        urls.push(url);
        $(l[0]).href = url;
        $(l[0]).setAttribute("download", l[3]);
      });
    })).then(function () { $("job-downloads").hidden = false; },
             function (err) { $("job-state").textContent = "The answers could not be fetched: " + err.message; });
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
    if (!KINDS.test(file.name)) { fileError("Use a .csv, .tsv, .jsonl, .ndjson or .json file."); return; }
    if (MAX_BYTES && file.size > MAX_BYTES) { fileError("The file is larger than " + Math.floor(MAX_BYTES / 1048576) + " MB: split it."); return; }
    var button = $("job-submit");
    button.disabled = true;
    var upload = new FormData();
    upload.append("file", file, file.name);
    upload.append("name", file.name.slice(0, 200));
    // The browser sets multipart/form-data with its boundary.
    S.api("POST", API + "/verify", upload, {raw: true}).then(function (r) {
      var job = r.data;
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
    if (!S.key()) {
      clear(body);
      body.appendChild(el("tr", null, el("td", {colspan: "6", class: "muted"}, "Enter your key to see its jobs.")));
      return Promise.resolve();
    }
    return S.api("GET", API + "?per_page=20").then(function (r) {
      clear(body);
      var jobs = r.data.items || [];
      if (!jobs.length) { body.appendChild(el("tr", null, el("td", {colspan: "6", class: "muted"}, "No jobs yet."))); return; }
      jobs.forEach(function (job) {
        var sm = job.summary || {};
        var open = el("button", {type: "button", class: "btn btn--tiny"}, "Open");
        open.addEventListener("click", function () { follow(job, job.name); $("job-title").focus(); });
        body.appendChild(el("tr", {"data-job-id": job.id},
          el("td", null, job.name || job.id.slice(0, 8)),
          el("td", null, (job.created_at || "").replace("T", " ").slice(0, 16)),
          el("td", null, job.status),
          el("td", null, job.done + " / " + job.total),
          el("td", null, (sm.verified || 0) + " verified, " + (sm.mismatch || 0) + " mismatch, " + (sm.unverified || 0) + " unverified"),
          el("td", null, open)));
      });
    }, function (err) {
      clear(body);
      body.appendChild(el("tr", null, el("td", {colspan: "6", class: "field-error"}, err.message)));
    });
  }

  document.addEventListener("verbatim:key", refreshList);
  refreshList();
})();
