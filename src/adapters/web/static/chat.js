// The simulator's chat page: rooms on the left, one conversation on the right, fed by /api/sim/events.
// Message text only ever goes into textContent, never innerHTML.

const PRIVATE = Symbol('private'); // the chat key of private messages with the bot (room === null)
const weekdays = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

const $ = (id) => document.getElementById(id);
const ui = {
  clock: $('clock'),
  channel: $('channel'),
  chatList: $('chat-list'),
  title: $('chat-title'),
  member: $('member'),
  messages: $('messages'),
  composer: $('composer'),
  input: $('input'),
  send: $('send'),
  chips: $('chips'),
  status: $('status'),
  forward: [...document.querySelectorAll('.forward button')],
};

const state = {
  botName: '',
  rooms: [], // [{ topic, owner, members }]
  chat: undefined, // a room topic or PRIVATE
  member: '',
  events: [],
  unread: new Map(), // chat key -> messages that arrived after the page opened and were not seen yet
  live: false, // false while the server replays its history: history is never unread
  lastShown: undefined, // the last event in the open conversation, to place day dividers
  cards: false, // the channel sends quiz cards (the WeCom demo) and hears groups only when @-mentioned
  tapped: new Set(), // "taskId|member": cards each member already submitted
};

const chatKey = (e) => (e.room === null ? PRIVATE : e.room);
const unique = (names) => [...new Set(names)];
const roomMembers = (room) => unique([room.owner, ...room.members]);

function membersOf(chat) {
  if (chat === PRIVATE) return unique(state.rooms.flatMap(roomMembers));
  const room = state.rooms.find((r) => r.topic === chat);
  return room ? roomMembers(room) : [];
}

/** Whether an event belongs in the open conversation; a private chat is the picked member's own. */
function inView(e) {
  if (chatKey(e) !== state.chat) return false;
  return state.chat !== PRIVATE || e.from === state.member || e.to === state.member;
}

// `at` carries the simulator's +08:00 wall clock, so read it from the string, not in the browser's zone.
const hhmm = (at) => at.slice(11, 16);
const weekday = (at) => weekdays[new Date(`${at.slice(0, 10)}T00:00:00Z`).getUTCDay()];
const dayLabel = (at) => `${Number(at.slice(5, 7))}月${Number(at.slice(8, 10))}日 ${weekday(at)}`;
const clockLabel = (at) => `${at.slice(0, 10)} ${weekday(at)} ${hhmm(at)}`;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

/** GET, or POST when there is a body; throws with the server's Chinese `error` on failure. */
async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw new Error(data.error ?? `请求失败（${res.status}）`);
  }
  return res.status === 204 ? undefined : res.json();
}

function renderChatList() {
  const entries = [
    ...state.rooms.map((r) => ({ key: r.topic, name: r.topic, detail: `${roomMembers(r).length} 人` })),
    { key: PRIVATE, name: `私聊 ${state.botName}`, detail: '' },
  ];
  ui.chatList.replaceChildren(
    ...entries.map(({ key, name, detail }) => {
      const item = el('li', key === state.chat ? 'active' : '');
      const button = el('button');
      button.type = 'button';
      button.append(el('span', 'chat-name', name), el('span', 'chat-detail', detail));
      const unread = key === state.chat ? 0 : (state.unread.get(key) ?? 0);
      if (unread > 0) button.append(el('span', 'badge', unread > 99 ? '99+' : String(unread)));
      button.addEventListener('click', () => selectChat(key));
      item.append(button);
      return item;
    }),
  );
}

function renderMemberPicker() {
  const members = membersOf(state.chat);
  if (!members.includes(state.member)) state.member = members[0] ?? '';
  const owner = state.chat === PRIVATE ? undefined : state.rooms.find((r) => r.topic === state.chat)?.owner;
  ui.member.replaceChildren(
    ...members.map((name) => {
      const option = el('option', '', name === owner ? `${name}（群主）` : name);
      option.value = name;
      return option;
    }),
  );
  ui.member.value = state.member;
  ui.send.disabled = !state.member;
}

function hintFor(chat) {
  if (chat === PRIVATE) return `这里是和 ${state.botName} 的私聊：发送“我的”查看学习记录，发送“帮助”查看全部命令。`;
  if (state.cards) return `企业微信群：机器人只收到 @${state.botName} 的消息。先用群主身份发送“@${state.botName} 报名 safety 07:50”，再发“@${state.botName} 立即推送”，然后换成其他成员在卡片上点选答案、点“提交”，最后点“快进 2 小时”看公布答案。`;
  return `先用群主身份发送“@${state.botName} 报名 safety 07:50”，再发“立即推送”，然后换成其他成员回复答案，最后点“快进 2 小时”看公布答案。`;
}

function messageNodes(e, prev) {
  const nodes = [];
  if (!prev || prev.at.slice(0, 10) !== e.at.slice(0, 10)) nodes.push(el('li', 'divider', dayLabel(e.at)));
  const side = e.self ? 'bot' : e.from === state.member ? 'mine' : 'other';
  const item = el('li', `msg ${side}`);
  const meta = el('div', 'meta');
  const time = el('time', '', hhmm(e.at));
  time.dateTime = e.at;
  meta.append(el('span', 'name', e.from), time);
  item.append(meta, el('div', 'bubble', e.text));
  if (e.card) item.append(cardForm(e));
  nodes.push(item);
  return nodes;
}

/** A quiz card: the picked member ticks options and submits; the card then shows "已提交" for them. */
function cardForm(e) {
  const form = el('form', 'card');
  const done = state.tapped.has(`${e.card.taskId}|${state.member}`);
  for (const o of e.card.options) {
    const label = el('label', 'option');
    const input = el('input');
    input.type = e.card.multi ? 'checkbox' : 'radio';
    input.name = e.card.taskId;
    input.value = o.id;
    input.disabled = done;
    label.append(input, el('span', '', o.text));
    form.append(label);
  }
  const submit = el('button', 'submit', done ? '已提交' : '提交');
  submit.disabled = done;
  form.append(submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const options = [...form.querySelectorAll('input:checked')].map((i) => i.value);
    if (!options.length) return setStatus('先点选一个选项', true);
    try {
      await api('/api/sim/tap', { from: state.member, taskId: e.card.taskId, options, ...(e.room === null ? {} : { room: e.room }) });
      state.tapped.add(`${e.card.taskId}|${state.member}`);
      for (const node of form.elements) node.disabled = true;
      submit.textContent = '已提交';
      setStatus('');
    } catch (err) {
      setStatus(err.message, true);
    }
  });
  return form;
}

let scrollPending = false;
function scrollToEnd() {
  // Once per frame, so replaying hundreds of events does not force a layout for each.
  if (scrollPending) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    ui.messages.scrollTop = ui.messages.scrollHeight;
  });
}

function renderConversation() {
  const shown = state.events.filter(inView);
  state.lastShown = shown.at(-1);
  if (shown.length === 0) {
    ui.messages.replaceChildren(el('li', 'hint', hintFor(state.chat)));
    return;
  }
  ui.messages.replaceChildren(...shown.flatMap((e, i) => messageNodes(e, shown[i - 1])));
  scrollToEnd();
}

function selectChat(key) {
  state.chat = key;
  state.unread.delete(key);
  ui.title.textContent = key === PRIVATE ? `私聊 ${state.botName}` : key;
  renderChatList();
  renderMemberPicker();
  renderConversation();
}

function receive(e) {
  state.events.push(e);
  if (state.live && chatKey(e) !== state.chat) state.unread.set(chatKey(e), (state.unread.get(chatKey(e)) ?? 0) + 1);
  if (inView(e)) {
    if (state.lastShown) ui.messages.append(...messageNodes(e, state.lastShown));
    else ui.messages.replaceChildren(...messageNodes(e, undefined)); // replaces the hint
    state.lastShown = e;
    scrollToEnd();
  }
  renderChatList();
}

function renderChips() {
  const examples = state.cards
    ? [`@${state.botName} 报名 safety 07:50`, `@${state.botName} 立即推送`, `@${state.botName} 统计`, '我的', '帮助']
    : [`@${state.botName} 报名 safety 07:50`, '立即推送', '1A 2B', 'B', '统计', '我的', '帮助'];
  ui.chips.replaceChildren(
    ...examples.map((text) => {
      const chip = el('button', 'chip', text);
      chip.type = 'button';
      chip.addEventListener('click', () => {
        ui.input.value = text;
        ui.input.focus();
      });
      return chip;
    }),
  );
}

/** One plain line while the chat channel is down, and why; nothing while it is up. */
function showChannel(status) {
  ui.channel.hidden = status.up;
  ui.channel.textContent = status.up ? '' : `聊天通道已断开：${status.reason ?? '原因不明'}`;
}

async function refresh() {
  const data = await api('/api/sim/rooms');
  ui.clock.textContent = clockLabel(data.now);
  showChannel(data.channel);
  if (!state.botName) {
    state.botName = data.botName;
    state.cards = data.cards;
    renderChips();
  }
  // Re-render only on a change: rebuilding the picker would close it under the user's pointer.
  if (state.chat !== undefined && JSON.stringify(data.rooms) === JSON.stringify(state.rooms)) return;
  state.rooms = data.rooms;
  const known = state.chat === PRIVATE || state.rooms.some((r) => r.topic === state.chat);
  if (!known) selectChat(state.rooms[0]?.topic ?? PRIVATE);
  else {
    renderChatList();
    renderMemberPicker();
  }
}

async function send() {
  const text = ui.input.value.trim();
  if (!text || !state.member) return;
  ui.send.disabled = true;
  try {
    await api('/api/sim/say', state.chat === PRIVATE ? { from: state.member, text } : { from: state.member, text, room: state.chat });
    ui.input.value = '';
    setStatus('');
  } catch (err) {
    setStatus(err.message, true);
  } finally {
    ui.send.disabled = false;
    ui.input.focus();
  }
}

async function fastForward(minutes, label) {
  for (const b of ui.forward) b.disabled = true;
  setStatus(`正在${label}…`);
  try {
    const { now } = await api('/api/sim/advance', { minutes });
    ui.clock.textContent = clockLabel(now);
    setStatus(`已${label}，现在是 ${clockLabel(now)}`);
  } catch (err) {
    setStatus(err.message, true);
  } finally {
    for (const b of ui.forward) b.disabled = false;
  }
}

ui.composer.addEventListener('submit', (ev) => {
  ev.preventDefault();
  send();
});
ui.input.addEventListener('keydown', (ev) => {
  // Enter while an input method is composing picks a candidate; it must not send.
  if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
  ev.preventDefault();
  ui.composer.requestSubmit();
});
ui.member.addEventListener('change', () => {
  state.member = ui.member.value;
  renderConversation(); // sides, and in the private chat the whole conversation, depend on who is typing
});
for (const b of ui.forward) b.addEventListener('click', () => fastForward(Number(b.dataset.minutes), b.textContent));

function connect() {
  const source = new EventSource('/api/sim/events');
  // Every (re)connection replays the server's history, so start over instead of doubling messages.
  source.addEventListener('open', () => {
    state.events = [];
    state.live = false;
    if (state.chat !== undefined) renderConversation();
    setStatus('');
  });
  source.addEventListener('message', (m) => receive(JSON.parse(m.data)));
  source.addEventListener('channel', (m) => showChannel(JSON.parse(m.data)));
  source.addEventListener('live', () => (state.live = true)); // the server has replayed its history
  source.addEventListener('error', () => setStatus('与模拟器的连接断开了，正在重连…', true));
}

const poll = () => refresh().catch((err) => setStatus(`读取模拟器失败：${err.message}`, true));
// Rooms first, so the bot's name and the chat list are there when the history arrives.
poll().then(connect);
setInterval(poll, 10_000);
