/* crisisbot sandbox in a browser.
 *
 * Everything user-visible is built with DOM nodes and textContent: no innerHTML, so a message can never run
 * script or forge markup. Every action goes to /sandbox/ui/..., which drives the sandbox's Interactions (the
 * same code the Python test driver uses), so the bot receives Slack's real signed payloads.
 */
"use strict";

const API = "/sandbox/ui";
const S = {
  me: null,
  bot: null,
  team: null,
  people: {},
  peopleList: [],
  channels: [],
  dms: [],
  botDm: null,
  channel: null,
  thread: null,
  tab: "messages",
  modalKey: null,
  stateKey: null,
  convKey: null,
  threadKey: null,
  homeKey: null,
  collect: null,
};

// ---- tiny DOM helpers ----------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

function toast(message, isError) {
  const box = $("toast");
  box.textContent = message;
  box.className = "toast" + (isError ? " error" : "");
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

async function get(path, params) {
  const query = new URLSearchParams(params || {}).toString();
  const response = await fetch(`${API}/${path}${query ? "?" + query : ""}`, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

let inflight = 0;

function busy(delta) {
  inflight += delta;
  document.body.dataset.inflight = String(inflight);
}

/** A person's action; body[data-inflight] counts those not yet answered (tests wait for "0"). */
async function post(path, body) {
  busy(1);
  try {
    return await postNow(path, body);
  } finally {
    busy(-1);
  }
}

async function postNow(path, body) {
  const response = await fetch(`${API}/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: S.me, ...body }),
  });
  const answer = await response.json().catch(() => ({ ok: false, error: response.statusText }));
  if (!response.ok) throw new Error(answer.error || response.statusText);
  if (answer.failure) toast(answer.failure, true);
  return answer;
}

// ---- names ---------------------------------------------------------------------------------------------------

function personName(id) {
  if (S.bot && id === S.bot.user_id) return S.bot.name;
  const person = S.people[id];
  return person ? person.display_name || person.real_name || person.name : id;
}

function channelById(id) {
  return S.channels.find((c) => c.id === id) || S.dms.find((c) => c.id === id) || null;
}

function channelLabel(channel) {
  if (!channel) return "";
  if (channel.kind === "im") return personName(channel.user);
  return "# " + channel.name;
}

function colour(id) {
  let hash = 0;
  for (const ch of String(id)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 45% 42%)`;
}

function initials(name) {
  const trimmed = String(name || "?").trim();
  return [...trimmed][0] || "?";
}

// ---- mrkdwn ----------------------------------------------------------------------------------------------------

const EMOJI = {
  rotating_light: "🚨", warning: "⚠️", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", fire: "🔥",
  bell: "🔔", pushpin: "📌", memo: "📝", clock3: "🕒", hourglass: "⌛", sos: "🆘", telephone_receiver: "📞",
  eyes: "👀", thumbsup: "👍", "+1": "👍", wave: "👋", information_source: "ℹ️", exclamation: "❗",
  red_circle: "🔴", large_orange_circle: "🟠", large_yellow_circle: "🟡", large_green_circle: "🟢",
};

function decodeEntities(text) {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function textWithEmoji(text) {
  return decodeEntities(text).replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

function channelLink(id, fallback) {
  const known = channelById(id);
  const name = known && known.kind !== "im" ? known.name : fallback || id;
  return el("a", {
    class: "channel-link", href: "#", dataset: { channel: id },
    onclick: (event) => { event.preventDefault(); openChannel(id); },
  }, "#" + name);
}

function mention(id) {
  const classes = "mention" + (id === S.me ? " me" : "");
  return el("span", { class: classes, dataset: { user: id } }, "@" + personName(id));
}

function entity(inner) {
  const bar = inner.indexOf("|");
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : null;
  if (target.startsWith("@")) return mention(target.slice(1));
  if (target.startsWith("#")) return channelLink(target.slice(1), label && decodeEntities(label));
  if (target.startsWith("!")) {
    const command = target.slice(1);
    if (["here", "channel", "everyone"].includes(command)) {
      return el("span", { class: "mention broadcast" }, "@" + command);
    }
    if (command.startsWith("subteam^")) return el("span", { class: "mention" }, decodeEntities(label || "@group"));
    return document.createTextNode(decodeEntities(label || ""));
  }
  const url = safeUrl(decodeEntities(target));
  const shown = decodeEntities(label !== null ? label : target);
  if (!url) return document.createTextNode(shown);
  return el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow" }, shown);
}

function isBoundary(ch) {
  return ch === undefined || !/[A-Za-z0-9]/.test(ch);
}

function findClose(text, mark, from) {
  for (let j = from + 1; j < text.length; j++) {
    if (text[j] === "\n") return -1;
    if (text[j] === mark && text[j - 1] !== " " && isBoundary(text[j + 1])) return j;
  }
  return -1;
}

function inline(text) {
  const frag = document.createDocumentFragment();
  let buffer = "";
  const flush = () => {
    if (buffer) frag.append(document.createTextNode(textWithEmoji(buffer)));
    buffer = "";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "<") {
      const end = text.indexOf(">", i + 1);
      if (end > i + 1) {
        flush();
        frag.append(entity(text.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    }
    if (ch === "`") {
      const end = text.indexOf("`", i + 1);
      if (end > i + 1) {
        flush();
        frag.append(el("code", {}, decodeEntities(text.slice(i + 1, end))));
        i = end + 1;
        continue;
      }
    }
    if ("*_~".includes(ch) && isBoundary(text[i - 1]) && text[i + 1] && text[i + 1] !== " " && text[i + 1] !== ch) {
      const end = findClose(text, ch, i);
      if (end > i) {
        flush();
        const tag = { "*": "b", _: "i", "~": "s" }[ch];
        frag.append(el(tag, {}, inline(text.slice(i + 1, end))));
        i = end + 1;
        continue;
      }
    }
    buffer += ch;
    i++;
  }
  flush();
  return frag;
}

function lines(text, parent) {
  let list = null;
  let listTag = null;
  let quote = null;
  const rows = text.split("\n");
  rows.forEach((line, index) => {
    let match = line.match(/^(?:&gt;|>)\s?(.*)$/);
    if (match) {
      list = null;
      if (!quote) {
        quote = el("blockquote");
        parent.append(quote);
      } else {
        quote.append(el("br"));
      }
      quote.append(inline(match[1]));
      return;
    }
    quote = null;
    match = line.match(/^\s*(?:•|◦|▪|-)\s+(.*)$/) || line.match(/^\s*\*\s+(.*)$/);
    const ordered = line.match(/^\s*\d+[.)]\s+(.*)$/);
    if (match || ordered) {
      const tag = match ? "ul" : "ol";
      if (listTag !== tag) {
        list = el(tag);
        listTag = tag;
        parent.append(list);
      }
      list.append(el("li", {}, inline((match || ordered)[1])));
      return;
    }
    list = null;
    listTag = null;
    parent.append(inline(line));
    const next = rows[index + 1];
    if (index < rows.length - 1 && !(next !== undefined && /^\s*(?:•|◦|▪|-|\*|\d+[.)])\s+|^(?:&gt;|>)/.test(next))) {
      parent.append(el("br"));
    }
  });
}

/** Slack mrkdwn → a DOM fragment (bold, italics, strike, code, code blocks, quotes, lists, links, mentions). */
function mrkdwn(text) {
  const frag = document.createDocumentFragment();
  const parts = String(text || "").split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1 && index < parts.length - 1) {
      frag.append(el("pre", { class: "code-block" }, decodeEntities(part.replace(/^\n/, ""))));
    } else {
      lines(index % 2 === 1 ? "```" + part : part, frag);
    }
  });
  return frag;
}

function textObject(obj) {
  if (!obj) return document.createTextNode("");
  if (typeof obj === "string") return document.createTextNode(obj);
  if (obj.type === "mrkdwn" && !obj.verbatim) return el("span", { class: "text" }, mrkdwn(obj.text));
  if (obj.type === "mrkdwn") return el("span", { class: "text" }, decodeEntities(obj.text));
  return el("span", { class: "text" }, obj.emoji === false ? obj.text : textWithEmoji(obj.text || ""));
}

function plain(obj) {
  if (!obj) return "";
  return typeof obj === "string" ? obj : decodeEntities(obj.text || "");
}

// ---- rich text ---------------------------------------------------------------------------------------------------

function richInline(element) {
  const style = element.style || {};
  let node;
  switch (element.type) {
    case "text": node = document.createTextNode(element.text || ""); break;
    case "link": {
      const url = safeUrl(element.url || "");
      node = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow" }, element.text || url)
        : document.createTextNode(element.text || element.url || "");
      break;
    }
    case "user": node = mention(element.user_id); break;
    case "channel": node = channelLink(element.channel_id); break;
    case "usergroup": node = el("span", { class: "mention" }, "@" + (element.usergroup_id || "group")); break;
    case "broadcast": node = el("span", { class: "mention broadcast" }, "@" + (element.range || "here")); break;
    case "emoji": node = document.createTextNode(element.unicode
      ? String.fromCodePoint(...element.unicode.split("-").map((h) => parseInt(h, 16)))
      : EMOJI[element.name] || `:${element.name}:`); break;
    case "date": node = document.createTextNode(element.fallback || new Date(element.timestamp * 1000).toLocaleString()); break;
    case "color": node = document.createTextNode(element.value || ""); break;
    default: node = document.createTextNode(element.text || "");
  }
  if (style.code) node = el("code", {}, node);
  if (style.strike) node = el("s", {}, node);
  if (style.italic) node = el("i", {}, node);
  if (style.bold) node = el("b", {}, node);
  return node;
}

function richElement(element) {
  const children = (element.elements || []);
  switch (element.type) {
    case "rich_text_section": return el("div", {}, children.map(richInline));
    case "rich_text_preformatted": return el("pre", { class: "code-block" }, children.map(richInline));
    case "rich_text_quote": return el("blockquote", {}, children.map(richInline));
    case "rich_text_list": {
      const tag = element.style === "ordered" ? "ol" : "ul";
      const list = el(tag, { style: null }, children.map((section) => el("li", {}, (section.elements || []).map(richInline))));
      if (element.indent) list.style.marginLeft = `${element.indent * 18}px`;
      return list;
    }
    default: return el("div", {}, children.map(richInline));
  }
}

// ---- Block Kit ---------------------------------------------------------------------------------------------------

function image(url, alt) {
  const safe = /^data:image\//.test(url) || (url && new URL(url, location.href).origin === location.origin);
  if (!safe) return el("div", { class: "image-missing", title: url }, `🖼 ${alt || "image"}`);
  return el("img", { src: url, alt: alt || "" });
}

/** Slack's confirmation dialog (a button's `confirm` object): title, text, and the confirm and deny buttons.
 * As in Slack's client, the action is sent only on confirm; deny, Escape or the backdrop send nothing. */
function confirmDialog(confirm, onConfirm, onDeny) {
  const layer = el("div", { class: "confirm-layer", id: "confirm-layer" });
  const done = (confirmed) => {
    layer.remove();
    document.removeEventListener("keydown", onKey);
    if (confirmed) onConfirm();
    else if (onDeny) onDeny();
  };
  const onKey = (event) => { if (event.key === "Escape") done(false); };
  const style = confirm.style === "danger" ? " danger" : " primary";
  const dialog = el("div", { class: "confirm-dialog", role: "alertdialog", "aria-modal": "true",
    "aria-label": plain(confirm.title) },
  el("h2", { class: "confirm-title" }, plain(confirm.title)),
  el("div", { class: "confirm-text" }, textObject(confirm.text)),
  el("div", { class: "confirm-foot" },
    el("button", { type: "button", class: "btn confirm-deny", onclick: () => done(false) },
      plain(confirm.deny) || "Cancel"),
    el("button", { type: "button", class: "btn confirm-ok" + style, onclick: () => done(true) },
      plain(confirm.confirm) || "Yes")));
  layer.addEventListener("click", (event) => { if (event.target === layer) done(false); });
  document.addEventListener("keydown", onKey);
  layer.append(dialog);
  document.body.append(layer);
  layer.querySelector(".confirm-ok").focus();
}

/** An interactive element of a message, an App Home or a view (outside input blocks). */
function interactive(element, block, ctx) {
  const send = (value, node) => act(ctx, block, element, value, node);
  const placeholder = plain(element.placeholder);
  switch (element.type) {
    case "button": {
      const classes = "btn" + (element.style ? " " + element.style : "");
      return el("button", {
        type: "button", class: classes, dataset: { actionId: element.action_id, blockId: block.block_id },
        onclick: (event) => {
          const url = safeUrl(element.url || "");
          if (url) window.open(url, "_blank", "noopener");
          const node = event.currentTarget;
          const go = () => send(element.value === undefined ? null : element.value, node);
          if (element.confirm) confirmDialog(element.confirm, go);
          else go();
        },
      }, plain(element.text));
    }
    case "static_select": case "external_select": case "overflow": {
      const select = el("select", {
        class: "inline-select", dataset: { actionId: element.action_id, blockId: block.block_id },
        onchange: (event) => {
          const target = event.target;
          const value = target.value;
          if (!value) return;
          const reset = () => { target.value = element.initial_option ? element.initial_option.value : ""; };
          if (element.confirm) confirmDialog(element.confirm, () => send(value, target), reset);
          else send(value, target);
        },
      }, el("option", { value: "" }, element.type === "overflow" ? "⋯" : placeholder || "Select…"));
      appendOptions(select, element, element.initial_option ? [element.initial_option.value] : []);
      return select;
    }
    case "users_select": case "conversations_select": case "channels_select": {
      const select = el("select", {
        class: "inline-select", dataset: { actionId: element.action_id, blockId: block.block_id },
        onchange: (event) => event.target.value && send(event.target.value, event.target),
      }, el("option", { value: "" }, placeholder || "Select…"));
      entityOptions(element.type).forEach(([value, label]) => select.append(el("option", { value }, label)));
      return select;
    }
    case "datepicker": {
      return el("input", {
        type: "date", class: "inline-select", value: element.initial_date || null,
        dataset: { actionId: element.action_id, blockId: block.block_id },
        onchange: (event) => send(event.target.value || null, event.target),
      });
    }
    case "timepicker": {
      return el("input", {
        type: "time", class: "inline-select", value: element.initial_time || null,
        dataset: { actionId: element.action_id, blockId: block.block_id },
        onchange: (event) => send(event.target.value || null, event.target),
      });
    }
    case "image": return image(element.image_url, element.alt_text);
    default: return el("span", { class: "note" }, `[${element.type}]`);
  }
}

function entityOptions(type) {
  if (type === "users_select" || type === "multi_users_select") {
    return S.peopleList.filter((p) => !p.is_bot).map((p) => [p.id, `${p.display_name} — ${p.title || p.name}`]);
  }
  return [...S.channels].map((c) => [c.id, "#" + c.name]);
}

function optionNode(option, selected) {
  return el("option", { value: option.value, selected: selected.includes(option.value) }, plain(option.text));
}

function appendOptions(select, element, selected) {
  (element.options || []).forEach((o) => select.append(optionNode(o, selected)));
  (element.option_groups || []).forEach((group) => {
    select.append(el("optgroup", { label: plain(group.label) }, (group.options || []).map((o) => optionNode(o, selected))));
  });
}

function renderBlock(block, ctx) {
  const attrs = (cls) => ({ class: `block ${cls}`, dataset: { blockId: block.block_id || "", blockType: block.type } });
  switch (block.type) {
    case "header": return el("div", attrs("block-header"), textObject(block.text));
    case "divider": return el("hr", attrs("block-divider"));
    case "section": {
      const main = el("div", { class: "section-main" });
      if (block.text) main.append(el("div", {}, textObject(block.text)));
      if (block.fields) main.append(el("div", { class: "fields" }, block.fields.map((f) => el("div", {}, textObject(f)))));
      const node = el("div", attrs("block-section"), main);
      if (block.accessory) node.append(el("div", { class: "accessory" }, interactive(block.accessory, block, ctx)));
      return node;
    }
    case "context": {
      return el("div", attrs("block-context"), (block.elements || []).map((e) => (e.type === "image"
        ? image(e.image_url, e.alt_text) : textObject(e))));
    }
    case "actions": return el("div", attrs("block-actions"), (block.elements || []).map((e) => interactive(e, block, ctx)));
    case "image": {
      return el("figure", { ...attrs("block-image"), style: null },
        block.title ? el("div", { class: "image-title" }, plain(block.title)) : null,
        image(block.image_url, block.alt_text));
    }
    case "rich_text": return el("div", attrs("rich"), (block.elements || []).map(richElement));
    case "input": return renderInput(block, ctx);
    default: return el("div", attrs("note"), `[${block.type} block]`);
  }
}

function renderBlocks(blocks, ctx) {
  return el("div", { class: "blocks" }, (blocks || []).map((b) => renderBlock(b, ctx)));
}

async function act(ctx, block, element, value, node) {
  const spec = { block_id: block.block_id, action_id: element.action_id, value };
  if (ctx.view) {
    spec.view_id = ctx.view.id;
    if (ctx.collect) spec.values = ctx.collect();
  } else {
    Object.assign(spec, { channel: ctx.channel, ts: ctx.message.ts, ephemeral: !!ctx.message.is_ephemeral });
  }
  if (node) node.disabled = true;
  try {
    await post("action", spec);
  } catch (error) {
    toast(error.message, true);
  } finally {
    if (node) node.disabled = false;
    refresh();
  }
}

// ---- modal inputs ------------------------------------------------------------------------------------------------

function stateEntry(ctx, block, element) {
  const values = (ctx.view.state && ctx.view.state.values) || {};
  return (values[block.block_id] || {})[element.action_id] || {};
}

function pad(n) { return String(n).padStart(2, "0"); }

function renderInput(block, ctx) {
  const element = block.element || {};
  const entry = stateEntry(ctx, block, element);
  const id = `in-${block.block_id}`;
  const data = { blockId: block.block_id, actionId: element.action_id, type: element.type };
  let control;
  let read;
  const placeholder = plain(element.placeholder) || null;
  switch (element.type) {
    case "plain_text_input": case "email_text_input": case "url_text_input": case "number_input": {
      const type = { email_text_input: "email", url_text_input: "url", number_input: "number" }[element.type] || "text";
      control = element.multiline
        ? el("textarea", { id, class: "field", placeholder, maxlength: element.max_length || null, dataset: data })
        : el("input", { id, type, class: "field", placeholder, maxlength: element.max_length || null, dataset: data });
      control.value = entry.value || "";
      read = () => (control.value === "" ? null : control.value);
      break;
    }
    case "static_select": case "external_select": case "users_select": case "conversations_select":
    case "channels_select": {
      const current = entry.selected_option ? [entry.selected_option.value]
        : [entry.selected_user || entry.selected_conversation || entry.selected_channel].filter(Boolean);
      control = el("select", { id, class: "field", dataset: data }, el("option", { value: "" }, placeholder || "Select…"));
      if (element.type === "static_select" || element.type === "external_select") appendOptions(control, element, current);
      else entityOptions(element.type).forEach(([value, label]) => control.append(el("option", { value, selected: current.includes(value) }, label)));
      read = () => control.value || null;
      break;
    }
    case "multi_static_select": case "multi_external_select": case "multi_users_select":
    case "multi_conversations_select": case "multi_channels_select": {
      const current = entry.selected_options ? entry.selected_options.map((o) => o.value)
        : entry.selected_users || entry.selected_conversations || entry.selected_channels || [];
      control = el("select", { id, class: "field", multiple: true, dataset: data });
      if (element.type === "multi_static_select" || element.type === "multi_external_select") appendOptions(control, element, current);
      else entityOptions(element.type.replace("multi_", "")).forEach(([value, label]) => control.append(el("option", { value, selected: current.includes(value) }, label)));
      read = () => [...control.selectedOptions].map((o) => o.value);
      break;
    }
    case "radio_buttons": case "checkboxes": {
      const type = element.type === "radio_buttons" ? "radio" : "checkbox";
      const chosen = entry.selected_option ? [entry.selected_option.value] : (entry.selected_options || []).map((o) => o.value);
      control = el("div", { id, class: "choices", role: type === "radio" ? "radiogroup" : "group", dataset: data },
        (element.options || []).map((o) => el("label", { class: "choice" },
          el("input", { type, name: id, value: o.value, checked: chosen.includes(o.value) }),
          el("span", {}, textObject(o.text), o.description ? el("span", { class: "choice-desc" }, plain(o.description)) : null))));
      read = () => {
        const picked = [...control.querySelectorAll("input:checked")].map((i) => i.value);
        return type === "radio" ? picked[0] || null : picked;
      };
      break;
    }
    case "datepicker": {
      control = el("input", { id, type: "date", class: "field", dataset: data, value: entry.selected_date || null });
      read = () => control.value || null;
      break;
    }
    case "timepicker": {
      control = el("input", { id, type: "time", class: "field", dataset: data, value: entry.selected_time || null });
      read = () => control.value || null;
      break;
    }
    case "datetimepicker": {
      const when = entry.selected_date_time ? new Date(entry.selected_date_time * 1000) : null;
      const date = el("input", { type: "date", class: "field", "aria-label": "date",
        value: when ? `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}` : null });
      const time = el("input", { type: "time", class: "field", "aria-label": "time",
        value: when ? `${pad(when.getHours())}:${pad(when.getMinutes())}` : null });
      control = el("div", { id, class: "datetime", dataset: data }, date, time);
      read = () => (date.value ? Math.floor(new Date(`${date.value}T${time.value || "00:00"}`).getTime() / 1000) : null);
      break;
    }
    default:
      control = el("div", { class: "note" }, `[${element.type}]`);
      read = null;
  }
  if (read && ctx.collectors) ctx.collectors.push([block.block_id, element.action_id, read]);
  if (block.dispatch_action && read) {
    control.addEventListener("change", () => act(ctx, block, element, read(), null));
  }
  const error = (ctx.errors || {})[block.block_id];
  return el("div", { class: "input-block" + (error ? " has-error" : ""), dataset: { blockId: block.block_id, blockType: "input" } },
    el("label", { class: "input-label", for: id }, plain(block.label), block.optional ? el("span", { class: "optional" }, " (optional)") : null),
    control,
    block.hint ? el("div", { class: "input-hint" }, plain(block.hint)) : null,
    error ? el("div", { class: "input-error", role: "alert" }, error) : null);
}

function renderModal(modal) {
  const layer = $("modal-layer");
  if (!modal) {
    layer.hidden = true;
    layer.replaceChildren();
    S.modalKey = null;
    return;
  }
  const key = `${modal.id}:${modal.hash}:${JSON.stringify(modal.errors || {})}`;
  if (key === S.modalKey) return;
  S.modalKey = key;
  const collectors = [];
  const ctx = { view: modal, errors: modal.errors, collectors };
  ctx.collect = () => {
    const values = {};
    for (const [blockId, actionId, read] of collectors) (values[blockId] = values[blockId] || {})[actionId] = read();
    return values;
  };
  const close = (clear) => async () => {
    try { await post("close", { view_id: modal.id, clear }); } catch (error) { toast(error.message, true); }
    refresh();
  };
  const submit = async (event) => {
    event.preventDefault();
    const button = event.submitter || null;
    if (button) button.disabled = true;
    try { await post("submit", { view_id: modal.id, values: ctx.collect() }); } catch (error) { toast(error.message, true); }
    if (button) button.disabled = false;
    refresh();
  };
  const form = el("form", { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": plain(modal.title),
    dataset: { viewId: modal.id, callbackId: modal.callback_id || "" }, onsubmit: submit, novalidate: true },
  el("div", { class: "modal-head" },
    el("h2", { class: "modal-title" }, plain(modal.title), modal.depth > 1 ? el("span", { class: "modal-depth" }, `${modal.depth}/3`) : null),
    el("button", { type: "button", class: "icon-button", "aria-label": "Close all", onclick: close(true) }, "✕")),
  el("div", { class: "modal-body" }, renderBlocks(modal.blocks, ctx)),
  el("div", { class: "modal-foot" },
    el("button", { type: "button", class: "btn modal-close", onclick: close(false) }, plain(modal.close) || "Cancel"),
    modal.submit ? el("button", { type: "submit", class: "btn primary modal-submit" }, plain(modal.submit)) : null));
  layer.replaceChildren(form);
  layer.hidden = false;
}

// ---- messages ----------------------------------------------------------------------------------------------------

function timeOf(ts) {
  const date = new Date(parseFloat(ts) * 1000);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function renderMessage(message, channelId, pinned, inThread) {
  const fromBot = message.bot_id && S.bot && message.bot_id === S.bot.bot_id;
  const author = message.user === "USLACKBOT" ? "Slackbot" : fromBot ? (message.bot_profile || {}).name || S.bot.name : personName(message.user);
  const ctx = { channel: channelId, message };
  const classes = ["message"];
  if (message.is_ephemeral) classes.push("ephemeral");
  if (pinned) classes.push("pinned");
  const body = el("div", { class: "message-body" },
    el("div", { class: "message-meta" },
      el("span", { class: "author" }, author),
      fromBot ? el("span", { class: "app-tag" }, "APP") : null,
      el("span", { class: "time", title: message.ts }, timeOf(message.ts)),
      message.edited ? el("span", { class: "note" }, "(edited)") : null,
      pinned ? el("span", { class: "note pin" }, "Pinned") : null,
      message.is_ephemeral ? el("span", { class: "note" }, "Only visible to you") : null),
    message.blocks && message.blocks.length ? renderBlocks(message.blocks, ctx) : el("div", { class: "text" }, mrkdwn(message.text)));
  if (!inThread && message.reply_count) {
    body.append(el("button", { type: "button", class: "replies-link", dataset: { thread: message.ts },
      onclick: () => openThread(message.ts) }, `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`));
  }
  if (!inThread && !message.is_ephemeral && !message.reply_count && !message.thread_ts) {
    body.append(el("button", { type: "button", class: "replies-link reply-start", dataset: { thread: message.ts },
      onclick: () => openThread(message.ts) }, "Reply in thread"));
  }
  return el("div", { class: classes.join(" "), dataset: { ts: message.ts, user: message.user || "", ephemeral: message.is_ephemeral ? "1" : "" } },
    el("div", { class: "avatar", style: null, "aria-hidden": "true" }, initials(author)), body);
}

function paintAvatars(root) {
  root.querySelectorAll(".message").forEach((node) => {
    const avatar = node.querySelector(".avatar");
    avatar.style.background = colour(node.dataset.user || "bot");
  });
}

function renderMessages(container, data, inThread) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  const pinned = new Set(data.pinned || []);
  const nodes = data.messages.map((m) => renderMessage(m, data.channel.id, pinned.has(m.ts), inThread));
  if (!nodes.length) nodes.push(el("div", { class: "empty" }, inThread ? "No replies yet." : "No messages yet. Try /crisis help or /crisis report."));
  container.replaceChildren(...nodes);
  paintAvatars(container);
  if (atBottom || !container.dataset.painted) container.scrollTop = container.scrollHeight;
  container.dataset.painted = "1";
}

// ---- sidebar -----------------------------------------------------------------------------------------------------

function sideItem(channel, label, isApp) {
  const classes = [channel.id === S.channel ? "active" : "", channel.unread ? "unread" : ""].join(" ").trim();
  return el("li", {}, el("a", {
    href: "#", class: classes || null, dataset: { channel: channel.id || "", name: channel.name || "" },
    onclick: (event) => { event.preventDefault(); channel.id ? openChannel(channel.id) : openBotDm(); },
  }, el("span", { class: "label" }, label), isApp ? el("span", { class: "app-tag" }, "APP") : null,
  channel.kind === "private" ? el("span", { class: "app-tag" }, "private") : null,
  channel.unread && channel.id !== S.channel ? el("span", { class: "badge" + (channel.mention || channel.kind === "im" ? "" : " quiet") }, String(channel.unread)) : null));
}

function renderSidebar(state) {
  $("channel-list").replaceChildren(...state.channels.map((c) => sideItem(c, channelLabel(c))));
  const dms = state.dms.map((c) => sideItem(c, channelLabel(c), c.user === S.bot.user_id));
  if (!state.bot_dm) dms.unshift(sideItem({ id: null, name: "", kind: "im", unread: 0 }, S.bot.name, true));
  $("dm-list").replaceChildren(...dms);
  const me = S.people[S.me] || {};
  $("me-card").replaceChildren(el("div", { class: "me-name" }, me.display_name || S.me),
    el("div", { class: "me-title" }, me.title || ""));
}

// ---- navigation and refresh ------------------------------------------------------------------------------------

function writeHash() {
  const parts = [S.me, S.channel || ""];
  if (S.thread) parts.push(S.thread);
  const hash = "#/" + parts.map(encodeURIComponent).join("/");
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function openChannel(id) {
  if (id !== S.channel) {
    S.thread = null;
    S.tab = "messages";
    S.convKey = null;
    $("messages").dataset.painted = "";
  }
  S.channel = id;
  document.getElementById("app").classList.remove("menu-open");
  writeHash();
  refresh();
}

async function openBotDm() {
  try {
    const answer = await post("dm", {});
    openChannel(answer.channel);
  } catch (error) {
    toast(error.message, true);
  }
}

function openThread(ts) {
  S.thread = ts;
  S.threadKey = null;
  $("thread-messages").dataset.painted = "";
  writeHash();
  refresh();
}

function switchPerson(id) {
  if (!S.people[id]) return;
  S.me = id;
  localStorage.setItem("crisisbot-sandbox-person", id);
  S.stateKey = S.convKey = S.threadKey = S.modalKey = S.homeKey = null;
  $("person").value = id;
  refresh();
}

let refreshing = false;
let again = false;

async function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = true;
  try {
    do {
      again = false;
      await refreshOnce();
    } while (again);
  } catch (error) {
    toast(error.message, true);
  } finally {
    refreshing = false;
  }
}

/** The channel names this person can see: a channel link shows the name once its channel becomes visible. */
function knownNames() {
  return [...S.channels, ...S.dms].map((c) => [c.id, c.name]);
}

/** True when the person moved (another channel or person) while a read was in flight: its answer is stale. */
function movedSince(asked) {
  if (S.me === asked.me && S.channel === asked.channel) return false;
  again = true;
  return true;
}

async function refreshOnce() {
  const asked = { me: S.me, channel: S.channel };
  const state = await get("state", { as: S.me });
  // A click during the read must win over the state read before it (which may not list the new channel yet).
  if (movedSince(asked)) return;
  S.channels = state.channels;
  S.dms = state.dms;
  S.botDm = state.bot_dm;
  const visible = [...state.channels, ...state.dms].map((c) => c.id);
  if (!S.channel || !visible.includes(S.channel)) {
    S.channel = (state.channels.find((c) => c.is_general) || state.channels[0] || state.dms[0] || {}).id || null;
    S.thread = null;
    S.convKey = null;
  }
  writeHash();
  const stateKey = JSON.stringify([state.channels, state.dms, S.channel, S.me]);
  if (stateKey !== S.stateKey) {
    S.stateKey = stateKey;
    renderSidebar(state);
  }
  renderModal(state.modal);
  const current = channelById(S.channel);
  const isBotDm = current && current.kind === "im" && current.user === S.bot.user_id;
  $("tabs").hidden = !isBotDm;
  if (!isBotDm) S.tab = "messages";
  document.querySelectorAll(".tab").forEach((tab) => tab.classList.toggle("active", tab.dataset.tab === S.tab));
  $("channel-title").textContent = current ? channelLabel(current) : "";
  $("channel-topic").textContent = current ? current.topic || current.purpose || (current.kind === "im" ? "" : `${current.members} members`) : "";
  $("composer").hidden = S.tab === "home" || !current;
  if (!current) return;
  if (S.tab === "home") {
    const homeKey = JSON.stringify(state.home);
    if (homeKey !== S.homeKey) {
      S.homeKey = homeKey;
      S.convKey = null;
      const container = $("messages");
      container.replaceChildren(state.home ? el("div", { class: "home", dataset: { viewId: state.home.id } },
        renderBlocks(state.home.blocks, { view: state.home })) : el("div", { class: "empty" }, "Loading the App Home…"));
    }
  } else {
    S.homeKey = null;
    const reading = { me: S.me, channel: S.channel };
    const conversation = await get("conversation", { as: S.me, channel: S.channel });
    if (movedSince(reading)) return;
    if (conversation.gone) {
      // the channel went (a reset, or removed) after the state was read: read the state again
      S.channel = null;
      again = true;
      return;
    }
    const convKey = JSON.stringify([conversation.messages, conversation.pinned, S.me, knownNames()]);
    if (convKey !== S.convKey) {
      S.convKey = convKey;
      renderMessages($("messages"), conversation, false);
    }
    if (current.unread && document.visibilityState === "visible") {
      post("read", { channel: S.channel }).catch(() => {});
    }
  }
  $("thread").hidden = !S.thread;
  if (S.thread) {
    try {
      const thread = await get("conversation", { as: S.me, channel: S.channel, thread: S.thread });
      if (thread.gone) throw new Error(thread.gone);
      const threadKey = JSON.stringify([thread.messages, S.me, knownNames()]);
      if (threadKey !== S.threadKey) {
        S.threadKey = threadKey;
        renderMessages($("thread-messages"), thread, true);
      }
    } catch (error) {
      S.thread = null;
      $("thread").hidden = true;
    }
  }
}

// ---- composer ----------------------------------------------------------------------------------------------------

async function send(input, thread) {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  try {
    if (text.startsWith("/") && !thread) await post("command", { channel: S.channel, text });
    else await post("message", { channel: S.channel, text, thread });
  } catch (error) {
    input.value = text;
    toast(error.message, true);
  }
  refresh();
}

function wireComposer(formId, inputId, threadOf) {
  const form = $(formId);
  const input = $(inputId);
  form.addEventListener("submit", (event) => { event.preventDefault(); send(input, threadOf()); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(input, threadOf());
    }
  });
}

// ---- live updates --------------------------------------------------------------------------------------------------

function connectEvents() {
  const live = $("live");
  if (!window.EventSource) {
    setInterval(refresh, 2000);
    return;
  }
  const source = new EventSource(`${API}/events`);
  source.addEventListener("open", () => { live.classList.add("on"); live.title = "live"; });
  source.addEventListener("change", () => refresh());
  source.addEventListener("error", () => { live.classList.remove("on"); live.title = "reconnecting…"; });
}

// ---- start -------------------------------------------------------------------------------------------------------

async function start() {
  busy(0);
  const boot = await get("bootstrap");
  S.bot = boot.bot;
  S.team = boot.team;
  S.peopleList = boot.people.filter((p) => !p.is_bot);
  boot.people.forEach((p) => { S.people[p.id] = p; });
  $("team-name").textContent = boot.team.name;
  document.title = `${boot.team.name} · crisisbot sandbox`;
  const select = $("person");
  select.replaceChildren(...S.peopleList.map((p) => el("option", { value: p.id }, `${p.display_name} — ${p.title || p.name}`)));
  select.addEventListener("change", () => switchPerson(select.value));
  const [who, channel, thread] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const remembered = localStorage.getItem("crisisbot-sandbox-person");
  S.me = [who, remembered, S.peopleList[0] && S.peopleList[0].id].find((id) => id && S.people[id] && !S.people[id].is_bot);
  S.channel = channel || null;
  S.thread = thread || null;
  select.value = S.me;
  wireComposer("composer", "composer-input", () => null);
  wireComposer("thread-composer", "thread-input", () => S.thread);
  $("thread-close").addEventListener("click", () => { S.thread = null; writeHash(); refresh(); });
  $("menu-toggle").addEventListener("click", () => {
    const app = $("app");
    app.classList.toggle("menu-open");
    $("menu-toggle").setAttribute("aria-expanded", app.classList.contains("menu-open") ? "true" : "false");
  });
  $("main").addEventListener("click", () => {
    $("app").classList.remove("menu-open");
    $("menu-toggle").setAttribute("aria-expanded", "false");
  });
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", async () => {
    S.tab = tab.dataset.tab;
    S.convKey = null;
    S.homeKey = null;
    if (S.tab === "home") await post("home", {}).catch((error) => toast(error.message, true));
    refresh();
  }));
  $("reset").addEventListener("click", async () => {
    if (!window.confirm("Reset the sandbox workspace? Messages, channels (except #general) and views are cleared. The bot's database keeps its incidents.")) return;
    await post("reset", {});
    S.channel = null;
    S.thread = null;
    S.stateKey = S.convKey = S.threadKey = S.modalKey = null;
    refresh();
  });
  window.addEventListener("hashchange", () => {
    const [person, chan, thr] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    if (person && person !== S.me) switchPerson(person);
    if (chan && chan !== S.channel) openChannel(chan);
    if ((thr || null) !== S.thread) { S.thread = thr || null; refresh(); }
  });
  document.addEventListener("visibilitychange", () => refresh());
  connectEvents();
  await refresh();
  document.body.dataset.ready = "1";
}

start().catch((error) => toast(`Could not start: ${error.message}`, true));
