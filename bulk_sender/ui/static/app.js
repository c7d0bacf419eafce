// bulk-sender's page: plain JavaScript, no library, no build step. The server does the work
// (the same engine as the CLI); this file shows it and sends the user's choices back.
"use strict";

const S = JSON.parse(document.getElementById("strings").textContent);
// Messages with a count: every plural form of each, in the catalog's order, and the CLDR
// category each form stands for; the browser's own plural rules pick one.
const PLURALS = JSON.parse(document.getElementById("plurals").textContent);
const PLURAL_RULES = new Intl.PluralRules(PLURALS.language);
const $ = (id) => document.getElementById(id);
const LIFECYCLE = JSON.parse(document.getElementById("statuses").textContent);
const STATUSES = LIFECYCLE.order;  // the report's statuses, in order, as the lifecycle has them
const form = { file: "", sheet: "", phone_column: "", country_column: "", country: "", kind: "template",
               template: "", message: "", wa: { name: "", body: [], header: [], campaign_name: "", send_type: "" } };
let contacts = null;          // what the server said of the file
let shownResult = -1;         // the run version whose result the page has shown
let previewAsked = 0;         // newer previews win over slower older ones
let previewTimer = null;
let currentCampaign = "";
let shownStep = "contacts";
let runNotices = { campaign: null, notices: [] };  // the last run's lines, for its result

// Messages come translated from the server; {name} is replaced by a value.
function t(key, values = {}) {
  return fill(S[key] || key, values);
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? values[name] : m));
}

// A message with a count `n`: the form the page's language uses for that number.
function tn(key, n, values = {}) {
  const forms = PLURALS.forms[key];
  if (!forms) return key;
  let form = PLURALS.categories.indexOf(PLURAL_RULES.select(Number(n)));
  if (form < 0 || form >= forms.length) form = forms.length - 1;  // "other", the catch-all
  return fill(forms[form], { ...values, n });
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function showError(error) {
  const box = $("error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

function guarded(action) {
  return async (...args) => {
    try {
      showError(null);
      await action(...args);
    } catch (error) {
      showError(error);
    }
  };
}

// ---- steps -------------------------------------------------------------------------------

function showStep(name) {
  shownStep = name;
  for (const section of document.querySelectorAll(".step")) {
    section.hidden = section.id !== `step-${name}`;
  }
  for (const button of document.querySelectorAll("[data-step]")) {
    if (button.dataset.step === name) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
  }
  const heading = document.querySelector(`#step-${name} h2`);
  heading.tabIndex = -1;
  heading.focus();
  if (name === "campaigns") guarded(loadCampaigns)();
  if (name === "send" && !lastBudget) guarded(loadBudget)();
  if (name === "message") schedulePreview(0);
  if (name === "send") describeSend();
}

// ---- 1. contacts -------------------------------------------------------------------------

async function upload(file) {
  const data = new FormData();
  data.append("file", file, file.name);
  $("contacts-summary").textContent = t("reading", { name: file.name });
  $("contacts-info").hidden = false;
  const country = encodeURIComponent($("country").value.trim());
  const response = await fetch(`/api/upload?country=${country}`, { method: "POST", body: data });
  const info = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) {
    $("contacts-info").hidden = true;
    throw new Error(info.error);
  }
  form.sheet = "";
  form.phone_column = form.country_column = "";
  showContacts(info);
}

async function recheckContacts() {
  if (!form.file) return;
  showContacts(await api("/api/contacts", form));
}

function showContacts(info) {
  contacts = info;
  form.file = info.file;
  form.sheet = info.sheet || "";
  form.phone_column = info.phone_column || "";
  form.country = info.country || "";
  $("contacts-info").hidden = false;
  $("contacts-summary").textContent = tn("contacts_summary", info.rows, {
    name: info.name, sheet: info.sheet ? ` (${info.sheet})` : "" });
  $("sheet-choice").hidden = info.sheets.length < 2;
  fillSelect($("sheet"), info.sheets.map((s) => [s, s]), info.sheet);
  const detected = info.detected_phone_column;
  const phoneOptions = info.columns.map((c) => [c, c === detected ? t("detected", { name: c }) : c]);
  if (detected && !info.columns.includes(detected)) {  // several columns, tried in this order
    phoneOptions.unshift([detected, t("detected", { name: detected.split(",").join(", ") })]);
  }
  if (info.phone_column && !phoneOptions.some(([value]) => value === info.phone_column)) {
    phoneOptions.unshift([info.phone_column, info.phone_column.split(",").join(", ")]);
  }
  if (!info.phone_column) phoneOptions.unshift(["", t("choose_phone_column")]);
  fillSelect($("phone-column"), phoneOptions, info.phone_column || "");
  $("left-out").hidden = !info.left_out.length;
  $("left-out").textContent = t("left_out", { names: info.left_out.join(", ") });
  // As `--country-column` takes it: "" lets bulk-sender find it, "none" uses none.
  const country = info.detected_country_column;
  const countryOptions = [["", country ? t("detected", { name: country }) : t("no_country_column")],
    ...info.columns.filter((c) => c !== country).map((c) => [c, c])];
  if (country) countryOptions.push(["none", t("no_country_column")]);
  fillSelect($("country-column"), countryOptions, form.country_column);
  showFirstRows(info);
  $("columns").replaceChildren(...info.columns.map((c) => {
    const chip = element("button", `{{ ${info.variables[c]} }}`, "chip");
    chip.type = "button";
    chip.title = c;
    chip.addEventListener("click", () => insertVariable(info.variables[c]));
    return chip;
  }));
  fillSelect($("consent-column"), [["", t("no_consent_column")], ...info.columns.map((c) => [c, c])],
             form.consent_column || "");
  $("column-list").replaceChildren(...info.columns.map((c) => {
    const option = element("option");
    option.value = c;
    return option;
  }));
}

function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => {
    const option = element("option", label);
    option.value = value;
    option.selected = value === selected;
    return option;
  }));
}

function showFirstRows(info) {
  const table = $("first-rows");
  const head = element("tr");
  for (const name of [t("row"), t("phone_sent"), t("problem"), ...info.columns]) {
    const cell = element("th", name);
    cell.scope = "col";
    head.appendChild(cell);
  }
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...info.first.map((row) => {
    const line = element("tr");
    line.append(element("td", row.row), element("td", row.phone),
                element("td", reasonText(row.problem), row.problem ? "bad" : ""));
    for (const value of row.values) line.appendChild(element("td", value));
    return line;
  }));
}

// ---- 2. message --------------------------------------------------------------------------

function insertVariable(name) {
  const box = $("message");
  const text = `{{ ${name} }}`;
  const at = box.selectionStart ?? box.value.length;
  box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd ?? at);
  box.focus();
  box.selectionStart = box.selectionEnd = at + text.length;
  form.message = box.value;
  schedulePreview();
}

function chooseKind(kind) {
  form.kind = kind;
  for (const name of ["template", "message", "wa"]) $(`kind-${name}`).hidden = name !== kind;
  for (const radio of document.querySelectorAll("input[name=kind]")) radio.checked = radio.value === kind;
  schedulePreview();
}

function showTemplate() {
  form.template = $("template").value;
  $("template-text").textContent = templates[form.template] || "";
  schedulePreview();
}

// Each variable: Plazbot's name for it (optional: unnamed ones are numbered) and its value,
// a column or a template expression.
function variableList(list, variables) {
  list.replaceChildren(...variables.map((variable, index) => {
    const item = element("li");
    const id = `${list.id}-${index + 1}`;
    const name = element("input");
    name.size = 10;
    name.value = variable.name;
    name.placeholder = String(index + 1);
    name.setAttribute("aria-label", t("variable_name", { n: index + 1 }));
    name.addEventListener("input", () => { variable.name = name.value; schedulePreview(); });
    const label = element("label", "=");
    label.htmlFor = id;
    label.setAttribute("aria-label", t("variable_value", { n: index + 1 }));
    const value = element("input");
    value.id = id;
    value.value = variable.value;
    value.setAttribute("list", "column-list");
    value.addEventListener("input", () => { variable.value = value.value; schedulePreview(); });
    const remove = element("button", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", t("remove_variable", { n: index + 1 }));
    remove.addEventListener("click", () => {
      variables.splice(index, 1);
      variableList(list, variables);
      schedulePreview();
    });
    item.append(name, " ", label, " ", value, " ", remove);
    return item;
  }));
}

function schedulePreview(delay = 500) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(guarded(preview), delay);
}

function readyToPreview() {
  if (!form.file) return t("need_contacts");
  if (!form.phone_column) return t("choose_phone_column");
  if (form.kind === "template" && !form.template) return t("need_template");
  if (form.kind === "message" && !form.message.trim()) return t("need_message");
  if (form.kind === "wa" && !form.wa.name.trim()) return t("need_wa_name");
  return "";
}

async function preview() {
  const missing = readyToPreview();
  const status = $("preview-status");
  if (missing) {
    status.textContent = missing;
    $("preview").replaceChildren();
    $("problems").hidden = true;
    return;
  }
  const asked = ++previewAsked;
  status.textContent = t("previewing");
  let result;
  try {
    result = await api("/api/preview", form);
  } catch (error) {
    if (asked === previewAsked) {
      status.textContent = "";
      $("preview").replaceChildren(element("p", error.message, "bad"));
      $("problems").hidden = true;
    }
    return;
  }
  if (asked !== previewAsked || result.superseded) return;
  status.textContent = `${countsText(result.statuses)}. ${tn("distinct", result.distinct)}`;
  if (result.budget) showBudget(result.budget);
  $("preview").replaceChildren(...result.preview.map((m) => {
    const bubble = element("div", undefined, "bubble");
    bubble.appendChild(element("p", t("to_phone", { row: m.row, phone: m.phone }), "to"));
    const text = element("p", undefined, "text");
    whatsAppText(m.text, text);
    bubble.appendChild(text);
    return bubble;
  }));
  $("problems").hidden = result.problems.rows.length === 0;
  $("problem-rows").tBodies[0].replaceChildren(...result.problems.rows.map((r) => {
    const line = element("tr");
    line.append(element("td", r.row), statusCell(r.status), element("td", reasonText(r.detail)));
    return line;
  }));
}

// WhatsApp's formatting as the customer sees it. The text only ever becomes text nodes, so
// nothing in a cell can become HTML; *bold*, _italic_ and ~strike~ become elements.
const MARKS = { "*": "strong", "_": "em", "~": "s" };
const MARKED = /(?<![\p{L}\p{N}])([*_~])(?!\s)(.+?)(?<!\s)\1(?![\p{L}\p{N}])/u;

function whatsAppText(text, parent) {
  text.split("\n").forEach((line, index) => {
    if (index) parent.appendChild(element("br"));
    inlineMarks(line, parent);
  });
}

function inlineMarks(text, parent) {
  let rest = text;
  let found;
  while ((found = MARKED.exec(rest)) !== null) {
    if (found.index) parent.appendChild(document.createTextNode(rest.slice(0, found.index)));
    const marked = element(MARKS[found[1]]);
    inlineMarks(found[2], marked);
    parent.appendChild(marked);
    rest = rest.slice(found.index + found[0].length);
  }
  if (rest) parent.appendChild(document.createTextNode(rest));
}

// A row's reason (`invalid_phone: 6 digits, too short for PE`): its code in the page's
// language, then the words after it as bulk-sender wrote them (in the language of the run
// that wrote them, the page's when the page started it).
function reasonText(detail) {
  if (!detail) return "";
  const [code, ...rest] = detail.split(": ");
  const api = /^api_(\d+)$/.exec(code);
  const label = api ? t("reason_api", { status: api[1] }) : S[`reason_${code}`];
  if (!label) return detail;
  return rest.length ? `${label}: ${rest.join(": ")}` : label;
}

// ---- the daily budget (the Send step) ------------------------------------------------------

let lastBudget = null;  // what the server last said of the daily budget

function showBudget(budget) {
  lastBudget = budget;
  const lines = [];
  if (budget.limit === null || budget.limit === undefined) {
    lines.push(t(budget.set ? "budget_unlimited" : "budget_unknown"));
  } else {
    lines.push(tn("budget_state", budget.limit, {
      used: tn("budget_used", budget.used), left: tn("budget_left", budget.left) }));
    if (budget.opens) lines.push(t("budget_opens", { when: budget.opens }));
    if (budget.days && budget.days.length > 1) {
      const plan = budget.days.map(([when, n], i) => (i === 0 ? t("budget_day_now", { n }) : t("budget_day_later", { n, when })));
      lines.push(tn("budget_days", budget.days.length, { plan: plan.join(", ") }));
    }
  }
  $("budget-state").textContent = lines.join(" ");
  $("budget-tier").value = budget.limit ? String(budget.limit) : (budget.set ? "unlimited" : "");
}

async function loadBudget() {
  showBudget(await api("/api/budget"));
}

function statusName(status) {
  return t(`status_${status}`);
}

// A status in a table: its word, its colour, and what it means when the pointer rests on it.
function statusCell(status) {
  const cell = element("td", statusName(status), `status-${status}`);
  cell.title = t(`meaning_${status}`);
  return cell;
}

function countsText(counts) {
  return STATUSES.filter((s) => counts[s]).map((s) => tn(`count_${s}`, counts[s])).join(", ");
}

// ---- 3. send -----------------------------------------------------------------------------

let credentials = {};
let templates = {};

function describeSend() {
  const what = form.kind === "template" ? form.template
    : form.kind === "wa" ? form.wa.name : t("own_text");
  $("send-what").textContent = form.file
    ? t("send_what", { file: contacts ? contacts.name : form.file, what }) : t("need_contacts");
  $("send-live").disabled = $("test-live").disabled = !credentials.workspace;
  $("live-help").textContent = credentials.workspace
    ? t("live_target", { url: credentials.api_url }) : t("no_credentials");
}

// A test to the user's own phone: the first messages, word for word; the campaign is untouched.
async function testSend(mode) {
  const options = { ...form, mode, test_to: $("test-to").value.trim(), test_count: $("test-count").value };
  $("test-results").replaceChildren(element("li", t("testing")));
  try {
    const found = await api("/api/test-send", options);
    const lines = found.sent.map((s) => {
      const line = t("test_line", { row: s.row, phone: found.phone, status: statusName(s.status) });
      const why = s.detail && s.status !== LIFECYCLE.sent ? ` (${reasonText(s.detail)})` : "";
      return element("li", line + why, `status-${s.status}`);
    });
    $("test-results").replaceChildren(...(lines.length ? lines : [element("li", found.stopped)]));
  } catch (error) {
    $("test-results").replaceChildren();
    throw error;
  }
}

async function startRun(mode) {
  const options = { ...form, mode, campaign: $("campaign").value.trim(), rate: $("rate").value };
  showRun(await api("/api/run", options));
}

function showRun(run) {
  if (!run || run.state === "idle") return;
  const busy = run.active;
  $("send-form").hidden = busy;
  $("progress-box").hidden = !busy || run.state === "confirm";
  const asking = Boolean(run.confirm) && $("confirm").hidden;
  $("confirm").hidden = !run.confirm;
  if (asking) {
    const ask = run.confirm;
    $("confirm-text").textContent = tn(ask.when ? "confirm_at" : "confirm", ask.messages, {
      phones: tn("phones", ask.phones), url: ask.url, when: ask.when });
    if ($("step-send").hidden) showStep("send");
    $("confirm-no").focus();  // the safe answer first: Enter must not send by accident
  }
  if (busy && $("step-send").hidden && $("step-result").hidden) showStep("send");
  if (busy) showProgress(run);
  $("resume").disabled = busy;
  if (run.state === "failed" && run.version !== shownResult) {
    shownResult = run.version;
    showError(run.error);
  }
  if (run.state === "finished" && run.result && run.version !== shownResult) {
    shownResult = run.version;
    runNotices = { campaign: run.result.campaign, notices: run.notices || [] };
    guarded(openCampaign)(run.result.campaign);
  }
}

function showProgress(run) {
  const total = run.total || 0;
  const c = run.counts;
  const done = LIFECYCLE.while_sending.reduce((n, status) => n + (c[status] || 0), 0);
  $("progress").max = Math.max(total, 1);
  $("progress").value = done;
  const waiting = run.waiting && { ...run.waiting, left: duration(run.waiting.seconds) };
  const label = run.state === "stopping" ? t("stopping") : waiting ? t("waiting", waiting)
    : run.state === "planning" ? t("planning", { rows: run.planned })
    : t("sending", { done, total, label: run.label });
  $("progress-label").textContent = label;
  const items = [...LIFECYCLE.while_sending.map((status) => [status, status === LIFECYCLE.unsent
                   ? run.remaining + c[status] : c[status]]),  // not sent yet, or given back
                 ["rate", run.rate === null ? "…" : t("per_second", { n: run.rate })],
                 ["time_left", run.eta_seconds === null ? "…" : duration(run.eta_seconds)]];
  $("progress-counts").replaceChildren(...items.flatMap(([key, value]) => {
    const term = element("dt", key === "rate" || key === "time_left" ? t(key) : statusName(key));
    const detail = element("dd", value);
    detail.dataset.count = key;
    return [term, detail];
  }));
  $("pause-note").textContent = run.paused ? t("paused", run.paused) : "";
  showNotices($("progress-notices"), run.notices || []);
}

// Lines the run has for the user (a start time already past, a report written elsewhere...).
function showNotices(box, notices) {
  box.replaceChildren(...notices.map((n) => element("li", n.text, n.warning ? "warning" : "")));
  box.hidden = notices.length === 0;
}

function duration(seconds) {
  const minutes = Math.floor(seconds / 60);
  if (minutes >= 60) return t("hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
  return minutes ? t("minutes", { m: minutes, s: seconds % 60 }) : t("seconds", { s: seconds });
}

function listen() {
  // EventSource reconnects by itself when the server restarts or the laptop sleeps.
  const events = new EventSource("/api/events");
  events.onmessage = (message) => showRun(JSON.parse(message.data));
}

// ---- 4. result ---------------------------------------------------------------------------

async function openCampaign(name) {
  currentCampaign = name;
  $("status-filter").value = "";
  await loadResult();
  showStep("result");
}

async function loadResult() {
  const status = $("status-filter").value;
  const path = `/api/campaigns/${encodeURIComponent(currentCampaign)}/rows?status=${encodeURIComponent(status)}`;
  const found = await api(path);
  $("result-summary").textContent = tn("result_summary", found.row_count, {
    name: found.name, counts: countsText(found.counts) })
    + (found.stopped ? ` ${t("stopped", { why: found.stopped === "interrupted" ? t("interrupted") : found.stopped })}` : "");
  showNotices($("result-notices"), found.name === runNotices.campaign ? runNotices.notices : []);
  drawChart($("chart"), found.counts);
  $("download").href = `/api/campaigns/${encodeURIComponent(found.name)}/report`;
  $("download").setAttribute("download", found.report);
  $("resume").hidden = !found.resumable;
  $("settle").hidden = found.mode !== "live" || !found.counts[LIFECYCLE.settles];
  $("replies").hidden = found.mode !== "live" || !found.counts[LIFECYCLE.sent];
  const options = [["", t("all_rows")], ...STATUSES.filter((s) => found.counts[s]).map((s) => [s, statusName(s)])];
  fillSelect($("status-filter"), options, status);
  $("result-rows").tBodies[0].replaceChildren(...found.rows.map((r) => {
    const line = element("tr");
    const message = element("td", undefined, "message");
    whatsAppText(r.message, message);
    line.append(element("td", r.row), element("td", r.phone ? `+${r.phone}` : ""),
                statusCell(r.status), element("td", reasonText(r.detail)), message);
    return line;
  }));
  $("rows-note").textContent = found.matched > found.shown
    ? tn("rows_shown", found.matched, { shown: found.shown }) : "";
}

// A bar per status, drawn as SVG: the page needs no chart library.
function drawChart(box, counts) {
  const NS = "http://www.w3.org/2000/svg";
  const shown = STATUSES.filter((s) => counts[s]);
  const most = Math.max(1, ...shown.map((s) => counts[s]));
  const rowHeight = 28, labelWidth = 110, barWidth = 360;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${labelWidth + barWidth + 60} ${Math.max(shown.length, 1) * rowHeight}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", countsText(counts));
  shown.forEach((status, index) => {
    const y = index * rowHeight;
    const add = (tag, attributes, text) => {
      const node = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.appendChild(node);
    };
    add("text", { x: labelWidth - 8, y: y + 18, "text-anchor": "end" }, statusName(status));
    const width = Math.max(2, (counts[status] / most) * barWidth);
    add("rect", { x: labelWidth, y: y + 4, width, height: rowHeight - 8, class: `bar bar-${status}` });
    add("text", { x: labelWidth + width + 6, y: y + 18 }, counts[status]);
  });
  box.replaceChildren(svg);
}

// ---- 5. campaigns ------------------------------------------------------------------------

async function loadCampaigns() {
  const list = await api("/api/campaigns");
  const body = $("campaign-rows").tBodies[0];
  if (!list.length) {
    const line = element("tr");
    const cell = element("td", t("no_campaigns"));
    cell.colSpan = 5;
    line.appendChild(cell);
    body.replaceChildren(line);
    return;
  }
  body.replaceChildren(...list.map((c) => {
    const line = element("tr");
    const open = element("button", t("open"));
    open.type = "button";
    open.setAttribute("aria-label", t("open_campaign", { name: c.name }));
    open.addEventListener("click", guarded(() => openCampaign(c.name)));
    const action = element("td");
    action.appendChild(open);
    line.append(element("th", c.name), element("td", c.row_count), element("td", countsText(c.counts)),
                element("td", c.last_run), action);
    line.firstChild.scope = "row";
    return line;
  }));
}

// ---- the language switch ---------------------------------------------------------------

// The switch keeps the choice in a cookie and loads the page again in that language; what the
// user had chosen and typed comes back (the uploaded file stays on the server).
const KEPT = "bulk_sender_kept";
const KEPT_FIELDS = ["campaign", "rate", "test-to", "test-count"];

function switchLanguage() {
  const select = $("language");
  document.cookie = `${select.dataset.cookie}=${encodeURIComponent(select.value)}; path=/; `
    + "max-age=31536000; SameSite=Strict";
  const fields = Object.fromEntries(KEPT_FIELDS.map((id) => [id, $(id).value]));
  sessionStorage.setItem(KEPT, JSON.stringify({ form, fields, step: shownStep, campaign: currentCampaign }));
  location.reload();
}

// What the page held before the switch reloaded it; true if it showed a step of it.
async function restoreKept() {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
  } catch (error) {
    kept = null;
  }
  sessionStorage.removeItem(KEPT);
  if (!kept || !kept.form) return false;
  for (const [id, value] of Object.entries(kept.fields || {})) {
    if (KEPT_FIELDS.includes(id)) $(id).value = value;
  }
  Object.assign(form, kept.form, { wa: { ...form.wa, ...kept.form.wa } });
  $("country").value = form.country || "";
  if (form.file) {
    try {
      showContacts(await api("/api/contacts", form));
    } catch (error) {
      form.file = "";
    }
  }
  if (form.template in templates) {
    $("template").value = form.template;
    $("template-text").textContent = templates[form.template];
  }
  $("message").value = form.message || "";
  $("wa-name").value = form.wa.name || "";
  $("wa-campaign").value = form.wa.campaign_name || "";
  $("wa-send-type").value = form.wa.send_type || "";
  variableList($("wa-body"), form.wa.body);
  variableList($("wa-header"), form.wa.header);
  $("send-hours").value = form.send_hours || "";
  $("not-before").value = form.not_before || "";
  $("wait").checked = Boolean(form.wait);
  if (form.consent_column) $("consent-column").value = form.consent_column;
  chooseKind(form.kind);
  if (kept.step === "result" && kept.campaign) {
    await openCampaign(kept.campaign);
  } else {
    showStep(kept.step || "contacts");
  }
  return true;
}

// ---- start -------------------------------------------------------------------------------

function wire() {
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", () => showStep(button.dataset.step));
  }
  for (const button of document.querySelectorAll("[data-goto]")) {
    button.addEventListener("click", () => showStep(button.dataset.goto));
  }
  $("file").addEventListener("change", guarded(() => $("file").files[0] && upload($("file").files[0])));
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", guarded(async (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer.files[0]) await upload(event.dataTransfer.files[0]);
  }));
  $("sheet").addEventListener("change", guarded(() => { form.sheet = $("sheet").value; form.phone_column = form.country_column = ""; return recheckContacts(); }));
  $("country-column").addEventListener("change", guarded(() => { form.country_column = $("country-column").value; return recheckContacts(); }));
  $("phone-column").addEventListener("change", guarded(() => { form.phone_column = $("phone-column").value; return recheckContacts(); }));
  $("country").addEventListener("change", guarded(() => { form.country = $("country").value.trim(); return recheckContacts(); }));
  for (const radio of document.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", () => chooseKind(radio.value));
  }
  $("template").addEventListener("change", showTemplate);
  $("edit-template").addEventListener("click", () => {
    $("message").value = form.message = templates[form.template] || "";
    chooseKind("message");
    $("message").focus();
  });
  $("message").addEventListener("input", () => { form.message = $("message").value; schedulePreview(); });
  $("wa-name").addEventListener("input", () => { form.wa.name = $("wa-name").value; schedulePreview(); });
  $("wa-campaign").addEventListener("input", () => { form.wa.campaign_name = $("wa-campaign").value; });
  $("wa-send-type").addEventListener("change", () => { form.wa.send_type = $("wa-send-type").value; schedulePreview(); });
  for (const part of ["body", "header"]) {
    $(`wa-add-${part}`).addEventListener("click", () => {
      form.wa[part].push({ name: "", value: "" });
      variableList($(`wa-${part}`), form.wa[part]);
      $(`wa-${part}-${form.wa[part].length}`).focus();
    });
  }
  for (const [id, key] of [["consent-column", "consent_column"], ["send-hours", "send_hours"],
                           ["not-before", "not_before"]]) {
    $(id).addEventListener("change", () => { form[key] = $(id).value; schedulePreview(); });
  }
  $("wait").addEventListener("change", () => { form.wait = $("wait").checked; });
  $("send-sandbox").addEventListener("click", guarded(() => startRun("sandbox")));
  $("test-sandbox").addEventListener("click", guarded(() => testSend("sandbox")));
  $("test-live").addEventListener("click", guarded(() => testSend("live")));
  $("send-live").addEventListener("click", guarded(() => startRun("live")));
  $("confirm-yes").addEventListener("click", guarded(async () => showRun(await api("/api/confirm", { yes: true }))));
  $("confirm-no").addEventListener("click", guarded(async () => showRun(await api("/api/confirm", { yes: false }))));
  $("stop").addEventListener("click", guarded(async () => showRun(await api("/api/stop", {}))));
  $("status-filter").addEventListener("change", guarded(loadResult));
  $("budget-save").addEventListener("click", guarded(async () => {
    showBudget(await api("/api/budget", { limit: $("budget-tier").value }));
  }));
  for (const action of ["settle", "replies"]) {
    $(action).addEventListener("click", guarded(async () => {
      $(action).disabled = true;
      $("follow-up").hidden = false;
      $("follow-up").textContent = t("looking_up");
      try {
        const found = await api(`/api/campaigns/${encodeURIComponent(currentCampaign)}/${action}`, {});
        const lines = Object.entries(found.counts).map(([code, n]) => tn(`${action}_${code}`, n));
        $("follow-up").textContent = lines.length ? lines.join(" ") : t("nothing_to_look_up");
        await loadResult();
      } finally {
        $(action).disabled = false;
      }
    }));
  }
  $("language").addEventListener("change", switchLanguage);
  $("resume").addEventListener("click", guarded(async () => {
    showRun(await api(`/api/campaigns/${encodeURIComponent(currentCampaign)}/resume`, {}));
    showStep("send");
  }));
}

async function start() {
  wire();
  const state = await api("/api/state");
  credentials = state.credentials;
  templates = state.templates;
  $("credentials").textContent = [
    credentials.workspace ? t("workspace_set") : t("workspace_missing"),
    credentials.api_key ? t("key_set") : t("key_missing"),
  ].join(" · ");
  $("folder").textContent = t("folder", { folder: state.folder });
  $("country").value = state.country;
  form.country = state.country;
  fillSelect($("template"), Object.keys(templates).map((n) => [n, n]), "");
  showTemplate();
  if (!Object.keys(templates).length) chooseKind("message");  // a folder without templates/
  // The protections of the sender's number this version of `send` has.
  for (const field of document.querySelectorAll("[data-protection]")) {
    field.hidden = !state.protections.includes(field.dataset.protection);
  }
  $("protection").hidden = state.protections.length === 0;
  if (!(await restoreKept())) showStep("contacts");
  if (state.run.active || state.run.state === "finished") shownResult = state.run.active ? -1 : state.run.version;
  showRun(state.run);
  listen();
}

document.addEventListener("DOMContentLoaded", guarded(start));
