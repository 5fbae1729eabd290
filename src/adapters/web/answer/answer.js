// The answer page: pick yourself once (remembered on this phone), tap the answers, submit.
const $ = (id) => document.getElementById(id);
const token = location.pathname.split('/').pop();
const letter = (i) => String.fromCharCode(65 + i);
let quiz;

async function api(path, body) {
  const res = await fetch(`/api/q/${token}${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  const data = await res.json().catch(() => ({ error: '服务器没有回应，请稍后再试' }));
  if (!res.ok) throw new Error(data.error ?? '出错了，请稍后再试');
  return data;
}

function show(el, on = true) {
  el.hidden = !on;
}

function result(text, error = false) {
  $('result').textContent = text;
  $('result').classList.toggle('error', error);
  show($('result'));
}

// Remembered per group on this device: a worker picks their name once.
const storageKey = () => `banqian-member:${quiz.group}`;
const saved = () => JSON.parse(localStorage.getItem(storageKey()) ?? 'null');

function chooseMember() {
  const me = saved();
  show($('who'), !me);
  show($('me'), !!me);
  show($('quiz'), !!me);
  if (me) $('me-name').textContent = me.name;
}

function confirmMember() {
  const select = $('member');
  const typed = $('member-id').value.trim();
  const picked = select.value ? quiz.members.find((m) => m.id === select.value) : undefined;
  const me = typed ? (quiz.members.find((m) => m.id === typed) ?? { id: typed, name: typed }) : picked;
  if (!me) return result('请选择姓名，或输入编号', true);
  localStorage.setItem(storageKey(), JSON.stringify(me));
  show($('result'), false);
  chooseMember();
}

function renderQuestions() {
  const list = $('questions');
  quiz.questions.forEach((q, qi) => {
    const li = document.createElement('li');
    const p = document.createElement('p');
    p.className = 'question';
    p.textContent = `${quiz.questions.length > 1 ? `${qi + 1}. ` : ''}${q.question}${q.multi ? '（多选）' : ''}`;
    li.append(p);
    q.options.forEach((o, oi) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'option';
      b.dataset.question = String(qi);
      b.dataset.letter = letter(oi);
      b.setAttribute('aria-pressed', 'false');
      b.textContent = `${letter(oi)}. ${o}`;
      b.addEventListener('click', () => {
        // A single-choice question keeps one answer; a multiple-choice one toggles.
        if (!q.multi) li.querySelectorAll('.option').forEach((x) => x.setAttribute('aria-pressed', 'false'));
        b.setAttribute('aria-pressed', String(!(q.multi && b.getAttribute('aria-pressed') === 'true')));
      });
      li.append(b);
    });
    list.append(li);
  });
}

async function submit(e) {
  e.preventDefault();
  const answers = quiz.questions.map((_, qi) =>
    [...document.querySelectorAll(`.option[data-question="${qi}"][aria-pressed="true"]`)].map((b) => b.dataset.letter).join(''),
  );
  if (answers.some((a) => !a)) return result('请每道题都选择答案', true);
  $('submit').disabled = true;
  try {
    const r = await api('/answer', { member: saved().id, answers });
    result(r.message);
    show($('quiz'), false);
  } catch (err) {
    result(err.message, true);
    $('submit').disabled = false;
  }
}

async function main() {
  try {
    quiz = await api('');
  } catch (err) {
    $('title').textContent = '无法答题';
    return result(err.message, true);
  }
  $('group').textContent = `${quiz.group} · 今日小测`;
  $('title').textContent = quiz.title;
  document.title = `${quiz.title} · 答题`;
  for (const m of quiz.members) $('member').append(new Option(m.name, m.id));
  if (quiz.closed) {
    $('notice').textContent = '答题时间已过，现在提交记为补学。';
    show($('notice'));
  }
  renderQuestions();
  $('confirm-member').addEventListener('click', confirmMember);
  $('change-member').addEventListener('click', () => {
    localStorage.removeItem(storageKey());
    chooseMember();
  });
  $('quiz').addEventListener('submit', submit);
  chooseMember();
}

main();
