/* xuefa serve — browser pages (login, exams, sit, result, practice, book).
 * One plain script for every page: no modules, no build step, no framework.
 * ES2017 at most and no optional chaining, so Chromium 60-era browsers run it.
 * The CSP forbids inline script and style: the DOM is built with
 * createElement + textContent, never innerHTML with server data. */
(function () {
  'use strict';

  /* ------------------------------------------------------------------ */
  /* Words                                                               */
  /* ------------------------------------------------------------------ */

  var DICT = {
    zh: {
      'brand': '学法考试',
      'title.login': '学法考试 · 登录',
      'title.exams': '学法考试 · 我的考试',
      'title.sit': '学法考试 · 答题',
      'title.result': '学法考试 · 成绩',
      'lang.switch': 'English',
      'lang.switchLabel': 'Switch to English',
      'noscript': '请启用浏览器的 JavaScript 后再参加考试。',
      'loading': '正在加载…',
      'logout': '退出登录',
      'err.network': '无法连接服务器，请检查网络后重试。',
      'err.generic': '出现错误（{status}），请稍后重试。',
      'retry': '重试',

      'login.heading': '登录',
      'login.hint': '请使用单位发放的访问码登录。',
      'login.employee': '工号',
      'login.code': '访问码',
      'login.codePlaceholder': '例如 ABCD-EFGH-JK',
      'login.submit': '登录',
      'login.busy': '正在登录…',
      'login.missing': '请输入工号和访问码。',
      'login.failed': '工号或访问码不正确。',
      'login.tooMany': '失败次数过多，请稍后再试。',

      'exams.heading': '我的考试',
      'exams.empty': '暂无需要参加的考试',
      'state.not_started': '未开始',
      'state.in_progress': '进行中',
      'state.submitted': '已交卷',
      'state.closed': '已结束',
      'state.not_required': '无需参加',
      'exams.window': '开放时间',
      'exams.windowBoth': '{from} 至 {to}',
      'exams.windowFrom': '{from} 起',
      'exams.windowTo': '截至 {to}',
      'exams.duration': '时长',
      'exams.minutes': '{n} 分钟',
      'exams.attempts': '次数',
      'exams.attemptsValue': '已用 {used} / 共 {allowed} 次',
      'exams.result': '成绩',
      'exams.start': '开始考试',
      'exams.retake': '补考',
      'exams.continue': '继续考试',
      'exams.viewResult': '查看成绩',
      'exams.notOpenYet': '尚未到开放时间',
      'passed': '合格',
      'failed': '不合格',

      'sit.remaining': '剩余时间',
      'sit.noLimit': '不限时',
      'sit.progress': '已答 {n} / {m}',
      'sit.saved': '已保存',
      'sit.saving': '保存中…',
      'sit.saveError': '未保存，正在重试',
      'sit.saveRejected': '答案未能保存：{msg}',
      'sit.options': '选项',
      'sit.flag': '标记',
      'sit.flagged': '已标记',
      'sit.clear': '清除作答',
      'sit.prev': '上一题',
      'sit.next': '下一题',
      'sit.keys': '键盘：← → 切换题目，A–E 选择选项，判断题按 1/2 或 T/F。',
      'sit.navTitle': '答题卡',
      'sit.legendAnswered': '已答',
      'sit.legendFlagged': '已标记',
      'sit.legendCurrent': '当前题',
      'sit.submit': '交卷',
      'sit.loadingPaper': '正在加载试卷…',
      'sit.qnumber': '第 {n} 题 · {kind} · {points} 分',
      'kind.single': '单选题',
      'kind.multiple': '多选题',
      'kind.judge': '判断题',
      'judge.T': '对',
      'judge.F': '错',
      'sit.navItem': '第 {n} 题',
      'sit.navAnswered': '已答',
      'sit.navUnanswered': '未答',
      'sit.navFlagged': '已标记',
      'sit.leaveWarning': '已离开考试页面 {n} 次（最多 {m} 次）',
      'sit.leaveWarning1': '已离开考试页面 {n} 次（最多 {m} 次）',
      'sit.leaveRule': '考试期间请勿离开本页面：最多可离开 {m} 次，超过将自动交卷。',
      'sit.timeLow': '剩余 {n} 分钟',
      'sit.timeUp': '时间到，正在交卷…',
      'sit.timeUpRetry': '时间到，正在交卷（网络不通，正在重试）…',
      'sit.redirecting': '正在转到成绩页面…',
      'sit.toResult': '查看成绩',
      'sit.back': '返回我的考试',
      'sit.unsavedLeave': '还有答案没有保存，确定离开吗？',

      'confirm.title': '确认交卷',
      'confirm.unanswered': '未作答：{list}',
      'confirm.allAnswered': '全部已作答',
      'confirm.flagged': '已标记：{list}',
      'confirm.final': '交卷后不能再修改答案。',
      'confirm.cancel': '返回检查',
      'confirm.submit': '确认交卷',
      'confirm.waiting': '正在保存答案，请稍候…',
      'confirm.waitingError': '还有答案没有保存（网络不通），正在重试。保存后将自动交卷。',
      'confirm.submitting': '正在交卷…',
      'listSep': '、',

      'result.heading': '考试成绩',
      'result.score': '得分',
      'result.answered': '作答',
      'result.candidate': '考生',
      'result.answeredValue': '已答 {n} / {m} 题',
      'result.submittedAt': '交卷时间',
      'result.notSubmitted': '本次考试尚未交卷。',
      'result.continue': '继续考试',
      'result.back': '返回我的考试',
      'result.print': '打印',
      'result.reviewHeading': '答题详情',
      'result.correct': '正确',
      'result.wrong': '错误',
      'result.partial': '部分得分',
      'result.mark': '得分 {mark} / {points}',
      'result.yourAnswer': '你的答案：{a}',
      'result.key': '正确答案：{k}',
      'result.noAnswer': '未作答',
      'result.picked': '你的选择',
      'result.isKey': '正确答案',
      'result.explanation': '解析：',
      'result.law': '依据：',
      'result.article': '第{a}条',
      'result.noReview': '暂不提供答题详情。',

      'title.practice': '学法考试 · 练习',
      'title.book': '学法考试 · 错题本',
      'exams.practice': '练习与错题本',
      'practice.heading': '练习',
      'practice.dailyHeading': '每日一练',
      'practice.dailyHint': '5 道题：先复习错题本中到期的题，再练没做过的题和薄弱法律的题；当天内题目不变。',
      'practice.startDaily': '开始每日一练',
      'practice.reviewHeading': '复习错题',
      'practice.reviewHint': '只练错题本中今天到期的题。',
      'practice.startReview': '复习到期的错题',
      'practice.freeHeading': '自由练习',
      'practice.law': '法律（可不填）',
      'practice.lawPlaceholder': '如 民法典；不填为全部',
      'practice.kind': '题型',
      'practice.kindAll': '全部题型',
      'practice.count': '题数',
      'practice.startFree': '开始练习',
      'practice.toBook': '错题本',
      'practice.toExams': '返回我的考试',
      'practice.drawing': '正在抽题…',
      'practice.nothing': '没有符合条件的题目，可换一部法律或题型再试。',
      'practice.nothingDue': '错题本中今天没有到期的题。',
      'practice.badCount': '题数须为 1 到 100 之间的整数。',
      'practice.qnumber': '第 {n}/{m} 题 · {kind}',
      'practice.qnumberLaw': '第 {n}/{m} 题 · {kind} · {law}',
      'practice.skip': '跳过',
      'practice.check': '提交答案',
      'practice.checking': '正在提交…',
      'practice.next': '下一题',
      'practice.finish': '完成',
      'practice.right': '回答正确',
      'practice.wrong': '回答错误',
      'practice.yourAnswer': '您的答案：{a}',
      'practice.key': '正确答案：{k}',
      'practice.isKey': '正确答案',
      'practice.picked': '您的选择',
      'practice.inBook': '已记入错题本：第 {box} 格，{due} 再练。',
      'practice.leftBook': '在最后一格答对，已移出错题本。',
      'practice.doneHeading': '本组练习完成',
      'practice.summary': '共答 {asked} 题，答对 {right} 题。',
      'practice.again': '再练一组',
      'book.heading': '错题本',
      'book.summary': '共 {n} 题，今天到期 {due} 题。',
      'book.empty': '错题本是空的：练习中答错的题会记在这里。',
      'book.toPractice': '返回练习',
      'book.place': '第 {box} 格 · {due} 再练 · 答错 {wrong} 次',
      'book.dueToday': '今天到期'
    },
    en: {
      'brand': 'Law Exam',
      'title.login': 'Law Exam · Sign in',
      'title.exams': 'Law Exam · My exams',
      'title.sit': 'Law Exam · Answering',
      'title.result': 'Law Exam · Result',
      'lang.switch': '中文',
      'lang.switchLabel': '切换到中文',
      'noscript': 'Please enable JavaScript in your browser to sit the exam.',
      'loading': 'Loading…',
      'logout': 'Sign out',
      'err.network': 'Cannot reach the server. Check the network and try again.',
      'err.generic': 'Something went wrong ({status}). Please try again later.',
      'retry': 'Try again',

      'login.heading': 'Sign in',
      'login.hint': 'Sign in with the access code your office gave you.',
      'login.employee': 'Employee ID',
      'login.code': 'Access code',
      'login.codePlaceholder': 'e.g. ABCD-EFGH-JK',
      'login.submit': 'Sign in',
      'login.busy': 'Signing in…',
      'login.missing': 'Enter your employee ID and access code.',
      'login.failed': 'Wrong employee ID or access code.',
      'login.tooMany': 'Too many failed attempts. Please try again later.',

      'exams.heading': 'My exams',
      'exams.empty': 'No exams to take at the moment',
      'state.not_started': 'Not started',
      'state.in_progress': 'In progress',
      'state.submitted': 'Submitted',
      'state.closed': 'Closed',
      'state.not_required': 'Not required',
      'exams.window': 'Open',
      'exams.windowBoth': '{from} to {to}',
      'exams.windowFrom': 'from {from}',
      'exams.windowTo': 'until {to}',
      'exams.duration': 'Duration',
      'exams.minutes': '{n} min',
      'exams.attempts': 'Attempts',
      'exams.attemptsValue': '{used} of {allowed} used',
      'exams.result': 'Result',
      'exams.start': 'Start exam',
      'exams.retake': 'Retake',
      'exams.continue': 'Continue exam',
      'exams.viewResult': 'View result',
      'exams.notOpenYet': 'Not open yet',
      'passed': 'Passed',
      'failed': 'Failed',

      'sit.remaining': 'Time left',
      'sit.noLimit': 'No time limit',
      'sit.progress': 'Answered {n} / {m}',
      'sit.saved': 'Saved',
      'sit.saving': 'Saving…',
      'sit.saveError': 'Not saved, retrying',
      'sit.saveRejected': 'The answer was not saved: {msg}',
      'sit.options': 'Options',
      'sit.flag': 'Flag',
      'sit.flagged': 'Flagged',
      'sit.clear': 'Clear answer',
      'sit.prev': 'Previous',
      'sit.next': 'Next',
      'sit.keys': 'Keyboard: ← → move between questions, A–E pick options, 1/2 or T/F for true/false.',
      'sit.navTitle': 'Questions',
      'sit.legendAnswered': 'Answered',
      'sit.legendFlagged': 'Flagged',
      'sit.legendCurrent': 'Current',
      'sit.submit': 'Submit',
      'sit.loadingPaper': 'Loading the paper…',
      'sit.qnumber': 'Question {n} · {kind} · {points} pt',
      'kind.single': 'Single choice',
      'kind.multiple': 'Multiple choice',
      'kind.judge': 'True or false',
      'judge.T': 'True',
      'judge.F': 'False',
      'sit.navItem': 'Question {n}',
      'sit.navAnswered': 'answered',
      'sit.navUnanswered': 'not answered',
      'sit.navFlagged': 'flagged',
      'sit.leaveWarning': 'You have left the exam page {n} times (at most {m}).',
      'sit.leaveWarning1': 'You have left the exam page once (at most {m} times).',
      'sit.leaveRule': 'Stay on this page during the exam: you may leave it at most {m} times; after that the exam is submitted.',
      'sit.timeLow': '{n} minutes left',
      'sit.timeUp': 'Time is up. Submitting…',
      'sit.timeUpRetry': 'Time is up. Submitting (no network, retrying)…',
      'sit.redirecting': 'Going to the result page…',
      'sit.toResult': 'View result',
      'sit.back': 'Back to my exams',
      'sit.unsavedLeave': 'Some answers are not saved yet. Leave anyway?',

      'confirm.title': 'Submit the exam?',
      'confirm.unanswered': 'Not answered: {list}',
      'confirm.allAnswered': 'All questions answered',
      'confirm.flagged': 'Flagged: {list}',
      'confirm.final': 'You cannot change your answers after submitting.',
      'confirm.cancel': 'Keep checking',
      'confirm.submit': 'Submit now',
      'confirm.waiting': 'Saving your answers, please wait…',
      'confirm.waitingError': 'Some answers are not saved yet (no network); retrying. The exam is submitted as soon as they are saved.',
      'confirm.submitting': 'Submitting…',
      'listSep': ', ',

      'result.heading': 'Exam result',
      'result.score': 'Score',
      'result.answered': 'Answered',
      'result.candidate': 'Candidate',
      'result.answeredValue': '{n} of {m} questions',
      'result.submittedAt': 'Submitted',
      'result.notSubmitted': 'This attempt has not been submitted.',
      'result.continue': 'Continue exam',
      'result.back': 'Back to my exams',
      'result.print': 'Print',
      'result.reviewHeading': 'Answers',
      'result.correct': 'Correct',
      'result.wrong': 'Wrong',
      'result.partial': 'Partly correct',
      'result.mark': '{mark} / {points} pt',
      'result.yourAnswer': 'Your answer: {a}',
      'result.key': 'Correct answer: {k}',
      'result.noAnswer': 'not answered',
      'result.picked': 'your choice',
      'result.isKey': 'correct answer',
      'result.explanation': 'Explanation: ',
      'result.law': 'Basis: ',
      'result.article': 'Art. {a}',
      'result.noReview': 'The answers are not available for review.',

      'title.practice': 'Law Exam · Practice',
      'title.book': 'Law Exam · Wrong-answer book',
      'exams.practice': 'Practice and wrong-answer book',
      'practice.heading': 'Practice',
      'practice.dailyHeading': 'Daily quiz',
      'practice.dailyHint': '5 questions: the wrong-answer book’s due questions first, then questions not yet answered and those of the laws you answer worst; the same all day.',
      'practice.startDaily': 'Start the daily quiz',
      'practice.reviewHeading': 'Review',
      'practice.reviewHint': 'Only the wrong-answer book’s questions that are due today.',
      'practice.startReview': 'Review the due questions',
      'practice.freeHeading': 'Free practice',
      'practice.law': 'Law (optional)',
      'practice.lawPlaceholder': 'e.g. 民法典; empty for all',
      'practice.kind': 'Kind',
      'practice.kindAll': 'All kinds',
      'practice.count': 'Questions',
      'practice.startFree': 'Start practising',
      'practice.toBook': 'Wrong-answer book',
      'practice.toExams': 'Back to my exams',
      'practice.drawing': 'Drawing questions…',
      'practice.nothing': 'No question matches. Try another law or kind.',
      'practice.nothingDue': 'Nothing in the wrong-answer book is due today.',
      'practice.badCount': 'The number of questions must be a whole number from 1 to 100.',
      'practice.qnumber': 'Question {n}/{m} · {kind}',
      'practice.qnumberLaw': 'Question {n}/{m} · {kind} · {law}',
      'practice.skip': 'Skip',
      'practice.check': 'Check answer',
      'practice.checking': 'Checking…',
      'practice.next': 'Next question',
      'practice.finish': 'Finish',
      'practice.right': 'Right',
      'practice.wrong': 'Wrong',
      'practice.yourAnswer': 'Your answer: {a}',
      'practice.key': 'Correct answer: {k}',
      'practice.isKey': 'correct answer',
      'practice.picked': 'your choice',
      'practice.inBook': 'In the wrong-answer book: box {box}, due again on {due}.',
      'practice.leftBook': 'Answered right in the last box: out of the wrong-answer book.',
      'practice.doneHeading': 'Practice finished',
      'practice.summary': '{right} of {asked} answered right.',
      'practice.again': 'Practise again',
      'book.heading': 'Wrong-answer book',
      'book.summary': 'In the book: {n}; due today: {due}.',
      'book.empty': 'The wrong-answer book is empty: questions answered wrongly in practice are kept here.',
      'book.toPractice': 'Back to practice',
      'book.place': 'Box {box} · due {due} · answered wrongly: {wrong}',
      'book.dueToday': 'due today'
    }
  };

  var LANG_KEY = 'xuefa-lang';
  var lang = readLang();
  var langListeners = [];

  function readLang() {
    var v = null;
    try { v = window.localStorage.getItem(LANG_KEY); } catch (e) { v = null; }
    return v === 'en' ? 'en' : 'zh';
  }

  function saveLang(v) {
    try { window.localStorage.setItem(LANG_KEY, v); } catch (e) { /* private mode: keep it for this page only */ }
  }

  /* t('sit.progress', {n: 3, m: 10}) */
  function t(key, params) {
    var table = DICT[lang] || DICT.zh;
    var s = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : DICT.zh[key];
    if (s === undefined) { s = key; }
    if (params) {
      s = s.replace(/\{(\w+)\}/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m;
      });
    }
    return s;
  }

  function applyI18n(root) {
    var scope = root || document;
    var i, el, list;
    list = scope.querySelectorAll('[data-i18n]');
    for (i = 0; i < list.length; i++) {
      el = list[i];
      el.textContent = t(el.getAttribute('data-i18n'));
    }
    list = scope.querySelectorAll('[data-i18n-placeholder]');
    for (i = 0; i < list.length; i++) {
      el = list[i];
      el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
    }
    list = scope.querySelectorAll('[data-i18n-aria]');
    for (i = 0; i < list.length; i++) {
      el = list[i];
      el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria')));
    }
    if (!root) {
      document.documentElement.setAttribute('lang', lang === 'en' ? 'en' : 'zh-CN');
      var btn = document.getElementById('lang');
      if (btn) {
        btn.textContent = t('lang.switch');
        btn.setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
        btn.setAttribute('aria-label', t('lang.switchLabel'));
      }
    }
  }

  function onLangChange(fn) { langListeners.push(fn); }

  function setupLangButton() {
    var btn = document.getElementById('lang');
    if (!btn) { return; }
    btn.addEventListener('click', function () {
      lang = lang === 'en' ? 'zh' : 'en';
      saveLang(lang);
      applyI18n();
      for (var i = 0; i < langListeners.length; i++) { langListeners[i](); }
    });
  }

  /* ------------------------------------------------------------------ */
  /* Small helpers                                                       */
  /* ------------------------------------------------------------------ */

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function pad2(n) { return n < 10 ? '0' + n : String(n); }

  function fmtNum(x) {
    if (x === null || x === undefined || x === '') { return '—'; }
    var n = Number(x);
    if (!isFinite(n)) { return String(x); }
    if (Math.round(n) === n) { return String(n); }
    return String(Math.round(n * 100) / 100);
  }

  /* RFC 3339 → local "2025-03-01 09:00" */
  function fmtTime(s) {
    if (!s) { return ''; }
    var d = new Date(s);
    if (isNaN(d.getTime())) { return String(s); }
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) +
      ' ' + pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  function fmtClock(sec) {
    sec = Math.max(0, Math.floor(sec));
    var h = Math.floor(sec / 3600);
    var m = Math.floor((sec % 3600) / 60);
    var s = sec % 60;
    return h > 0 ? h + ':' + pad2(m) + ':' + pad2(s) : pad2(m) + ':' + pad2(s);
  }

  function joinList(items) { return items.join(t('listSep')); }

  /* 《民法典》第一百八十八条, as the result, practice and book pages cite a law */
  function lawText(law, article) {
    var l = law ? String(law) : '';
    var a = article ? String(article) : '';
    if (l && !/^《/.test(l)) { l = '《' + l + '》'; }
    if (a && /^[0-9０-９一二三四五六七八九十百千零〇]+$/.test(a)) { a = t('result.article', { a: a }); }
    return l + (l && a && lang === 'en' ? ' ' : '') + a;
  }

  /* The letter of the option at index i: A, B, C… */
  function letter(i) { return String.fromCharCode(65 + i); }

  /* Empties a question's option box but for its legend, and returns the choices to draw in
     it: true and false for a judgement, else each option under its letter (the exam and
     practice ask alike). */
  function resetOptions(box, x) {
    var legend = box.querySelector('legend');
    clear(box);
    if (legend) { box.appendChild(legend); }
    box.setAttribute('data-kind', x.kind);
    if (x.kind === 'judge') {
      return [{ value: 'T', letter: '', text: t('judge.T') }, { value: 'F', letter: '', text: t('judge.F') }];
    }
    var choices = [];
    var opts = x.options || [];
    for (var i = 0; i < opts.length; i++) { choices.push({ value: letter(i), letter: letter(i), text: opts[i] }); }
    return choices;
  }

  /* A question's explanation and the law and article it rests on, as paragraphs of `li`
     (the review and the wrong-answer book show them alike). */
  function appendWhy(li, x) {
    if (x.explanation) {
      var ex = el('p', 'explanation');
      ex.appendChild(el('strong', null, t('result.explanation')));
      ex.appendChild(document.createTextNode(x.explanation));
      li.appendChild(ex);
    }
    var cited = lawText(x.law, x.article);
    if (cited) {
      var lw = el('p', 'law');
      lw.appendChild(el('strong', null, t('result.law')));
      lw.appendChild(document.createTextNode(cited));
      li.appendChild(lw);
    }
  }

  /* Full-width ASCII typed through a Chinese IME (ＡＢＣ－１２) → half-width. */
  function halfWidth(s) {
    return String(s).replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\u3000/g, ' ');
  }

  /* Path segments, decoded: "/sit/%E5%B9%B4" → ["sit", "年"] */
  function pathSegments() {
    var parts = location.pathname.split('/');
    var out = [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === '') { continue; }
      try { out.push(decodeURIComponent(parts[i])); } catch (e) { out.push(parts[i]); }
    }
    return out;
  }

  function examUrl(exam) { return '/api/v1/exams/' + encodeURIComponent(exam); }
  function attemptUrl(exam, attempt) { return examUrl(exam) + '/attempts/' + encodeURIComponent(attempt); }
  function resultPage(exam, attempt) { return '/result/' + encodeURIComponent(exam) + '/' + encodeURIComponent(attempt); }
  function sitPage(exam) { return '/sit/' + encodeURIComponent(exam); }

  function showMessage(text) {
    var m = $('message');
    if (!m) { return; }
    m.textContent = text || '';
    m.hidden = !text;
  }

  function errorText(res) {
    if (res && res.data && typeof res.data.error === 'string' && res.data.error) { return res.data.error; }
    return t('err.generic', { status: res ? res.status : '?' });
  }

  /* ------------------------------------------------------------------ */
  /* API                                                                 */
  /* ------------------------------------------------------------------ */

  var NEVER = { then: function () { return NEVER; }, 'catch': function () { return NEVER; } };
  var leaving = false;

  function goTo(url) {
    leaving = true;
    window.location.href = url;
  }

  /* api('PUT', url, body, {allow401: true, keepalive: true})
   * Resolves {status, ok, data} for any HTTP answer; rejects on a network
   * failure. A 401 goes to the sign-in page and never resolves. */
  function api(method, url, body, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json', 'Accept-Language': lang };
    var init = { method: method, credentials: 'same-origin', headers: headers, cache: 'no-store' };
    if (method !== 'GET' && method !== 'HEAD') {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    if (opts.keepalive) { init.keepalive = true; }
    return window.fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (res.status === 401 && !opts.allow401) {
          goTo('/');
          return NEVER;
        }
        return { status: res.status, ok: res.ok, data: data };
      });
    });
  }

  /* ------------------------------------------------------------------ */
  /* Page: login                                                         */
  /* ------------------------------------------------------------------ */

  function pageLogin() {
    var form = $('login-form');
    var emp = $('employee');
    var code = $('code');
    var btn = $('login');
    var busy = false;
    var lastError = null; // {key} or {text}

    function renderError() {
      if (!lastError) { showMessage(''); return; }
      showMessage(lastError.key ? t(lastError.key) : lastError.text);
    }
    function setError(e) { lastError = e; renderError(); }
    function setBusy(b) {
      busy = b;
      btn.disabled = b;
      btn.textContent = t(b ? 'login.busy' : 'login.submit');
    }
    onLangChange(function () { renderError(); setBusy(busy); });

    /* Already signed in? */
    api('GET', '/api/v1/me', null, { allow401: true }).then(function (res) {
      if (res.status === 200) { goTo('/exams'); }
    }, function () { /* offline: the form says so when used */ });

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (busy) { return; }
      var e = halfWidth(emp.value).trim();
      var c = halfWidth(code.value).replace(/\s+/g, '').toUpperCase();
      if (!e || !c) {
        setError({ key: 'login.missing' });
        (e ? code : emp).focus();
        return;
      }
      setError(null);
      setBusy(true);
      api('POST', '/api/v1/login', { employee: e, code: c }, { allow401: true }).then(function (res) {
        if (res.ok) { goTo('/exams'); return; }
        setBusy(false);
        if (res.data && res.data.error) { setError({ text: res.data.error }); }
        else if (res.status === 401) { setError({ key: 'login.failed' }); }
        else if (res.status === 429) { setError({ key: 'login.tooMany' }); }
        else { setError({ text: errorText(res) }); }
        code.focus();
        code.select();
      }, function () {
        setBusy(false);
        setError({ key: 'err.network' });
      });
    });
    if (window.innerWidth >= 800) { emp.focus(); }
  }

  /* ------------------------------------------------------------------ */
  /* Page: exams                                                         */
  /* ------------------------------------------------------------------ */

  function pageExams() {
    var list = $('exam-list');
    var empty = $('empty');
    var loading = $('loading');
    var exams = null;
    var me = null;
    var loadError = null;

    function renderWho() {
      var who = $('who');
      if (!me) { who.textContent = ''; return; }
      who.textContent = me.department ? me.name + ' · ' + me.department : (me.name || me.employee || '');
    }

    function canStart(x) {
      if (typeof x.can_start === 'boolean') { return x.can_start; }
      return x.state === 'not_started';
    }

    /* "2025-03-01 09:00 至 2025-03-15 18:00", each time kept on one line */
    function windowNode(x) {
      var key = x.opens && x.closes ? 'exams.windowBoth' : (x.opens ? 'exams.windowFrom' : (x.closes ? 'exams.windowTo' : ''));
      if (!key) { return null; }
      var times = { from: fmtTime(x.opens), to: fmtTime(x.closes) };
      var span = el('span', 'window');
      var parts = t(key).split(/(\{from\}|\{to\})/);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i] === '{from}' || parts[i] === '{to}') {
          span.appendChild(el('span', 'nowrap', times[parts[i].slice(1, -1)]));
        } else if (parts[i]) {
          span.appendChild(document.createTextNode(parts[i]));
        }
      }
      return span;
    }

    function fact(dl, label, value, cls) {
      var row = el('div', 'fact' + (cls ? ' ' + cls : ''));
      row.appendChild(el('dt', null, label));
      var dd = el('dd');
      if (typeof value === 'string') { dd.textContent = value; } else { dd.appendChild(value); }
      row.appendChild(dd);
      dl.appendChild(row);
    }

    function renderExam(x) {
      var li = el('li', 'exam card');
      li.setAttribute('data-exam', x.id);
      li.setAttribute('data-state', x.state || '');

      var head = el('div', 'exam-head');
      head.appendChild(el('h2', 'exam-name', x.title || x.id));
      head.appendChild(el('span', 'state state-' + (x.state || 'unknown'), t('state.' + x.state)));
      li.appendChild(head);

      var dl = el('dl', 'facts');
      var w = windowNode(x);
      if (w) { fact(dl, t('exams.window'), w, 'fact-window'); }
      if (x.duration_minutes !== null && x.duration_minutes !== undefined) {
        fact(dl, t('exams.duration'), t('exams.minutes', { n: fmtNum(x.duration_minutes) }));
      }
      if (x.attempts_allowed !== null && x.attempts_allowed !== undefined) {
        fact(dl, t('exams.attempts'), t('exams.attemptsValue', { used: fmtNum(x.attempts_used || 0), allowed: fmtNum(x.attempts_allowed) }));
      }
      if (x.result) {
        var r = el('span', 'result-summary');
        r.appendChild(el('span', 'score', fmtNum(x.result.score) + ' / ' + fmtNum(x.result.total_points)));
        if (x.result.passed === true || x.result.passed === false) {
          r.appendChild(document.createTextNode(' '));
          r.appendChild(el('span', 'verdict-badge ' + (x.result.passed ? 'pass' : 'fail'), t(x.result.passed ? 'passed' : 'failed')));
        }
        if (x.result.band) {
          r.appendChild(document.createTextNode(' '));
          r.appendChild(el('span', 'band', x.result.band));
        }
        fact(dl, t('exams.result'), r, 'fact-result');
      }
      li.appendChild(dl);

      var actions = el('div', 'exam-actions');
      var start = null;
      if (x.state === 'in_progress') {
        start = el('a', 'start btn btn-primary', t('exams.continue'));
      } else if (canStart(x)) {
        start = el('a', 'start btn btn-primary', t(x.state === 'not_started' ? 'exams.start' : 'exams.retake'));
      }
      if (start) {
        start.href = sitPage(x.id);
        actions.appendChild(start);
      }
      if (x.last_attempt !== null && x.last_attempt !== undefined) {
        var res = el('a', 'result btn btn-secondary', t('exams.viewResult'));
        res.href = resultPage(x.id, x.last_attempt);
        actions.appendChild(res);
      }
      if (!start && x.state === 'not_started' && x.opens && new Date(x.opens).getTime() > Date.now()) {
        actions.appendChild(el('span', 'hint', t('exams.notOpenYet')));
      }
      if (actions.firstChild) { li.appendChild(actions); }
      return li;
    }

    function render() {
      renderWho();
      clear(list);
      if (loadError) { showMessage(loadError.key ? t(loadError.key) : loadError.text); }
      if (!exams) { return; }
      for (var i = 0; i < exams.length; i++) { list.appendChild(renderExam(exams[i])); }
      empty.hidden = exams.length !== 0;
    }
    onLangChange(render);

    function load() {
      loading.hidden = false;
      loadError = null;
      showMessage('');
      api('GET', '/api/v1/me').then(function (res) {
        if (res.ok && res.data) { me = res.data; renderWho(); }
      }, function () {});
      api('GET', '/api/v1/exams').then(function (res) {
        loading.hidden = true;
        if (!res.ok) { loadError = { text: errorText(res) }; render(); return; }
        exams = Array.isArray(res.data) ? res.data : [];
        render();
      }, function () {
        loading.hidden = true;
        loadError = { key: 'err.network' };
        render();
        addRetry(load);
      });
    }

    $('logout').addEventListener('click', function () {
      var b = $('logout');
      b.disabled = true;
      api('POST', '/api/v1/logout', {}, { allow401: true }).then(function () {
        goTo('/');
      }, function () {
        b.disabled = false;
        showMessage(t('err.network'));
      });
    });

    load();
  }

  /* A "try again" button under #message. */
  function addRetry(fn) {
    var m = $('message');
    if (!m || !m.parentNode) { return; }
    var old = $('retry');
    if (old) { old.parentNode.removeChild(old); }
    var b = el('button', 'btn btn-secondary', t('retry'));
    b.type = 'button';
    b.id = 'retry';
    b.setAttribute('data-i18n', 'retry');
    b.addEventListener('click', function () {
      b.parentNode.removeChild(b);
      fn();
    });
    m.parentNode.insertBefore(b, m.nextSibling);
  }

  /* ------------------------------------------------------------------ */
  /* Page: sit                                                           */
  /* ------------------------------------------------------------------ */

  function pageSit() {
    var segs = pathSegments();
    var exam = segs.length >= 2 ? segs[segs.length - 1] : '';
    var S = {
      attempt: null,
      title: '',
      questions: [],
      byNumber: {},
      answers: {},     // number → "AC" / "T" / ""
      flagged: {},     // number → bool
      index: 0,
      remaining: null, // seconds at receipt (null: no limit)
      receivedAt: 0,
      maxLeaves: null,
      leaves: 0,
      finished: false, // submitted or on the way to the result page
      timeUp: false,
      announced: {}
    };
    /* Saving: per question a dirty flag (the latest local value is what is
     * sent), one request in flight at most, retries with backoff. */
    var saves = {};    // number → {dirty, inflight, failing, delay, timer}
    var submitWanted = false;
    var messageState = null; // {key, params} or {text}

    var sheet = $('sheet');
    var optionsBox = $('options');
    var nav = $('nav');
    var confirmBox = $('confirm');

    function setMessage(m) {
      messageState = m;
      showMessage(m ? (m.key ? t(m.key, m.params) : m.text) : '');
    }

    function q() { return S.questions[S.index]; }

    function isAnswered(n) { return !!S.answers[n]; }

    function answeredCount() {
      var c = 0;
      for (var i = 0; i < S.questions.length; i++) { if (isAnswered(S.questions[i].number)) { c++; } }
      return c;
    }


    /* ---------- rendering ---------- */

    function renderProgress() {
      $('progress').textContent = t('sit.progress', { n: answeredCount(), m: S.questions.length });
    }

    function renderQuestion() {
      var x = q();
      if (!x) { return; }
      $('qnumber').textContent = t('sit.qnumber', { n: x.number, kind: t('kind.' + x.kind), points: fmtNum(x.points) });
      $('stem').textContent = x.stem || '';
      var choices = resetOptions(optionsBox, x);
      for (var j = 0; j < choices.length; j++) {
        var c = choices[j];
        var label = el('label', 'option');
        var input = document.createElement('input');
        input.type = x.kind === 'multiple' ? 'checkbox' : 'radio';
        input.name = 'option';
        input.value = c.value;
        input.id = 'option-' + c.value;
        label.appendChild(input);
        if (c.letter) { label.appendChild(el('span', 'letter', c.letter)); }
        label.appendChild(el('span', 'text', c.text));
        optionsBox.appendChild(label);
      }
      syncOptions();
      renderFlag();
      $('prev').disabled = S.index === 0;
      $('next').disabled = S.index === S.questions.length - 1;
    }

    /* Make the inputs show S.answers for the current question. */
    function syncOptions() {
      var x = q();
      var ans = S.answers[x.number] || '';
      var inputs = optionsBox.querySelectorAll('input[name="option"]');
      for (var i = 0; i < inputs.length; i++) {
        var on = ans.indexOf(inputs[i].value) !== -1;
        inputs[i].checked = on;
        inputs[i].parentNode.classList.toggle('checked', on);
      }
      $('clear').disabled = !ans;
    }

    function renderFlag() {
      var f = !!S.flagged[q().number];
      var b = $('flag');
      b.setAttribute('aria-pressed', f ? 'true' : 'false');
      b.classList.toggle('on', f);
      b.textContent = t(f ? 'sit.flagged' : 'sit.flag');
    }

    function buildNav() {
      clear(nav);
      for (var i = 0; i < S.questions.length; i++) {
        var b = el('button', 'navq', S.questions[i].number);
        b.type = 'button';
        b.setAttribute('data-number', S.questions[i].number);
        nav.appendChild(b);
      }
      renderNav();
    }

    function renderNav() {
      var buttons = nav.querySelectorAll('button[data-number]');
      for (var i = 0; i < buttons.length; i++) {
        var b = buttons[i];
        var n = Number(b.getAttribute('data-number'));
        var a = isAnswered(n);
        var f = !!S.flagged[n];
        var cur = S.questions[S.index] && S.questions[S.index].number === n;
        b.classList.toggle('answered', a);
        b.classList.toggle('flagged', f);
        b.classList.toggle('current', !!cur);
        if (cur) { b.setAttribute('aria-current', 'true'); } else { b.removeAttribute('aria-current'); }
        var label = t('sit.navItem', { n: n }) + ', ' + t(a ? 'sit.navAnswered' : 'sit.navUnanswered') + (f ? ', ' + t('sit.navFlagged') : '');
        b.setAttribute('aria-label', label);
        b.title = label;
      }
    }

    function renderSaveState() {
      var s = $('saved');
      var pending = false, failing = false;
      for (var k in saves) {
        if (!Object.prototype.hasOwnProperty.call(saves, k)) { continue; }
        var r = saves[k];
        if (r.dirty || r.inflight) { pending = true; }
        if ((r.dirty || r.inflight) && r.failing) { failing = true; }
      }
      var state = failing ? 'error' : (pending ? 'saving' : 'saved');
      if (s.getAttribute('data-state') !== state || s.textContent !== t('sit.' + (state === 'error' ? 'saveError' : state))) {
        s.setAttribute('data-state', state);
        s.textContent = t(state === 'error' ? 'sit.saveError' : 'sit.' + state);
      }
      if (!confirmBox.hidden) { renderConfirmNote(); }
    }

    function renderLeaves() {
      var w = $('leave-warning');
      var r = $('leave-rule');
      if (S.maxLeaves === null || S.maxLeaves === undefined) { w.hidden = true; r.hidden = true; return; }
      r.textContent = t('sit.leaveRule', { m: S.maxLeaves });
      r.hidden = S.leaves > 0;
      w.textContent = t(S.leaves === 1 ? 'sit.leaveWarning1' : 'sit.leaveWarning', { n: S.leaves, m: S.maxLeaves });
      w.hidden = !(S.leaves > 0);
    }

    function renderAll() {
      if (!S.questions.length) { return; }
      $('title').textContent = S.title;
      renderQuestion();
      renderNav();
      renderProgress();
      renderSaveState();
      renderLeaves();
      tick();
      if (!confirmBox.hidden) { renderConfirm(); }
    }

    onLangChange(function () {
      if (messageState) { setMessage(messageState); }
      renderAll();
    });

    function go(index, focusHeading) {
      if (index < 0 || index >= S.questions.length) { return; }
      S.index = index;
      renderQuestion();
      renderNav();
      if (focusHeading) {
        var h = $('qnumber');
        h.focus();
        if (window.innerWidth < 800) {
          /* the question may be far above the navigator on a phone; keep it clear of the sticky status bar */
          var top = $('question').getBoundingClientRect().top + (window.pageYOffset || 0) - $('statusbar').offsetHeight - 8;
          window.scrollTo(0, Math.max(0, top));
        }
      }
    }

    /* ---------- answering and saving ---------- */

    function setAnswer(n, value) {
      if (S.finished) { return; }
      if ((S.answers[n] || '') === value) { return; }
      S.answers[n] = value;
      if (q().number === n) { syncOptions(); }
      renderNav();
      renderProgress();
      queueSave(n);
    }

    function setFlag(n, value) {
      if (S.finished) { return; }
      S.flagged[n] = value;
      if (q().number === n) { renderFlag(); }
      renderNav();
      queueSave(n);
    }

    function record(n) {
      if (!saves[n]) { saves[n] = { dirty: false, inflight: false, failing: false, delay: 0, timer: null }; }
      return saves[n];
    }

    function queueSave(n) {
      var r = record(n);
      r.dirty = true;
      if (!r.inflight && !r.timer) { sendSave(n); }
      renderSaveState();
    }

    function sendSave(n) {
      var r = record(n);
      if (r.timer) { clearTimeout(r.timer); r.timer = null; }
      if (S.finished || r.inflight || !r.dirty) { renderSaveState(); return; }
      r.dirty = false;
      r.inflight = true;
      var body = { answer: S.answers[n] || '', flagged: !!S.flagged[n] };
      api('PUT', attemptUrl(exam, S.attempt) + '/answers/' + encodeURIComponent(n), body).then(function (res) {
        r.inflight = false;
        if (res.ok) {
          r.failing = false;
          r.delay = 0;
          if (r.dirty) { sendSave(n); }
          afterSave();
        } else if (res.status === 409) {
          finish(res.data && res.data.error ? { text: res.data.error } : null);
        } else if (res.status >= 500 || res.status === 429 || res.status === 408) {
          r.dirty = true;
          retryLater(n);
        } else {
          /* 400/403/404: the server will not take this value; retrying cannot help. */
          r.failing = false;
          r.delay = 0;
          setMessage({ key: 'sit.saveRejected', params: { msg: errorText(res) } });
          if (r.dirty) { sendSave(n); }
          afterSave();
        }
        renderSaveState();
      }, function () {
        r.inflight = false;
        r.dirty = true;
        retryLater(n);
        renderSaveState();
      });
      renderSaveState();
    }

    function retryLater(n) {
      var r = record(n);
      r.failing = true;
      r.delay = r.delay ? Math.min(r.delay * 2, 15000) : 1000;
      if (r.timer) { clearTimeout(r.timer); }
      r.timer = setTimeout(function () { r.timer = null; sendSave(n); }, r.delay);
    }

    /* Retry everything now (the network came back, or the person wants to submit). */
    function retryAllNow() {
      for (var k in saves) {
        if (Object.prototype.hasOwnProperty.call(saves, k) && saves[k].dirty && !saves[k].inflight) {
          saves[k].delay = 0;
          sendSave(Number(k));
        }
      }
    }

    function pendingSaves() {
      var c = 0;
      for (var k in saves) {
        if (Object.prototype.hasOwnProperty.call(saves, k) && (saves[k].dirty || saves[k].inflight)) { c++; }
      }
      return c;
    }

    function afterSave() {
      if (submitWanted && pendingSaves() === 0) { doSubmit(); }
    }

    function answerFromInputs() {
      var x = q();
      var inputs = optionsBox.querySelectorAll('input[name="option"]');
      var v = '';
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].checked) {
          if (x.kind === 'multiple') { v += inputs[i].value; } else { v = inputs[i].value; }
        }
      }
      return v;
    }

    optionsBox.addEventListener('change', function (ev) {
      if (!ev.target || ev.target.name !== 'option') { return; }
      setAnswer(q().number, answerFromInputs());
    });

    /* Keyboard letter or T/F → pick or toggle an option. */
    function pickKey(value) {
      var x = q();
      var cur = S.answers[x.number] || '';
      if (x.kind === 'multiple') {
        var idx = value.charCodeAt(0) - 65;
        if (idx < 0 || idx >= (x.options || []).length) { return; }
        var next = '';
        for (var i = 0; i < x.options.length; i++) {
          var L = letter(i);
          var on = cur.indexOf(L) !== -1;
          if (L === value) { on = !on; }
          if (on) { next += L; }
        }
        setAnswer(x.number, next);
      } else if (x.kind === 'judge') {
        if (value === 'T' || value === 'F') { setAnswer(x.number, value); }
      } else {
        var k = value.charCodeAt(0) - 65;
        if (k < 0 || k >= (x.options || []).length) { return; }
        setAnswer(x.number, value);
      }
    }

    $('flag').addEventListener('click', function () { setFlag(q().number, !S.flagged[q().number]); });
    $('clear').addEventListener('click', function () { setAnswer(q().number, ''); });
    $('prev').addEventListener('click', function () { go(S.index - 1); });
    $('next').addEventListener('click', function () { go(S.index + 1); });
    nav.addEventListener('click', function (ev) {
      var b = ev.target;
      while (b && b !== nav && !(b.getAttribute && b.getAttribute('data-number'))) { b = b.parentNode; }
      if (!b || b === nav) { return; }
      var n = Number(b.getAttribute('data-number'));
      for (var i = 0; i < S.questions.length; i++) {
        if (S.questions[i].number === n) { go(i, true); return; }
      }
    });

    function isTextField(t) {
      if (!t) { return false; }
      if (t.isContentEditable) { return true; }
      var tag = (t.tagName || '').toLowerCase();
      if (tag === 'textarea' || tag === 'select') { return true; }
      if (tag === 'input') {
        var type = (t.type || 'text').toLowerCase();
        return ['radio', 'checkbox', 'button', 'submit', 'reset'].indexOf(type) === -1;
      }
      return false;
    }

    document.addEventListener('keydown', function (ev) {
      if (!S.questions.length || S.finished) { return; }
      if (!confirmBox.hidden) {
        if (ev.key === 'Escape' || ev.key === 'Esc' || ev.keyCode === 27) { closeConfirm(); ev.preventDefault(); }
        else if (ev.key === 'Tab' || ev.keyCode === 9) { trapTab(ev); }
        return;
      }
      if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing || ev.keyCode === 229) { return; }
      if (isTextField(ev.target)) { return; }
      var key = ev.key || '';
      var code = ev.keyCode;
      if (key === 'ArrowLeft' || key === 'Left' || code === 37) { go(S.index - 1); ev.preventDefault(); return; }
      if (key === 'ArrowRight' || key === 'Right' || code === 39) { go(S.index + 1); ev.preventDefault(); return; }
      var ch = key.length === 1 ? key.toUpperCase() : (code >= 48 && code <= 90 ? String.fromCharCode(code) : '');
      if (!ch) { return; }
      var x = q();
      if (x.kind === 'judge') {
        if (ch === '1' || ch === 'T') { pickKey('T'); ev.preventDefault(); }
        else if (ch === '2' || ch === 'F') { pickKey('F'); ev.preventDefault(); }
      } else if (ch >= 'A' && ch <= 'Z' && ch.charCodeAt(0) - 65 < (x.options || []).length) {
        pickKey(ch);
        ev.preventDefault();
      }
    });

    window.addEventListener('online', retryAllNow);

    window.addEventListener('beforeunload', function (ev) {
      if (S.finished || leaving || pendingSaves() === 0) { return undefined; }
      ev.preventDefault();
      ev.returnValue = t('sit.unsavedLeave');
      return ev.returnValue;
    });

    /* ---------- timer ---------- */

    var ticker = null;

    function secondsLeft() {
      if (S.remaining === null) { return null; }
      var elapsed = Math.max(0, (Date.now() - S.receivedAt) / 1000);
      return Math.max(0, Math.ceil(S.remaining - elapsed));
    }

    function tick() {
      var r = $('remaining');
      var left = secondsLeft();
      if (left === null) {
        r.textContent = t('sit.noLimit');
        return;
      }
      var text = fmtClock(left);
      /* A screen reader hears the minutes only at a few points, not every second. */
      var mins = Math.ceil(left / 60);
      var spoken = '';
      if (left > 0 && [30, 15, 10, 5, 1].indexOf(mins) !== -1 && left % 60 === 0 && !S.announced[mins]) {
        S.announced[mins] = true;
        spoken = t('sit.timeLow', { n: mins });
      }
      if (r.textContent !== text || spoken) {
        clear(r);
        var clock = el('span', 'clock', text);
        if (spoken) {
          clock.setAttribute('aria-hidden', 'true');
          r.appendChild(clock);
          r.appendChild(el('span', 'visually-hidden', ' ' + spoken));
        } else {
          r.appendChild(clock);
        }
      }
      r.parentNode.classList.toggle('low', left <= 300);
      if (left <= 0 && !S.timeUp && !S.finished) {
        S.timeUp = true;
        timeUpSubmit();
      }
    }

    function timeUpSubmit() {
      closeConfirm();
      setMessage({ key: 'sit.timeUp' });
      var delay = 1000;
      function attempt() {
        api('POST', attemptUrl(exam, S.attempt) + '/submit', {}).then(function (res) {
          /* 200, 409 (already submitted by the server at the deadline) or any refusal: the result page knows. */
          finish(res.ok || res.status === 409 ? null : { text: errorText(res) });
        }, function () {
          setMessage({ key: 'sit.timeUpRetry' });
          delay = Math.min(delay * 2, 15000);
          setTimeout(attempt, delay);
        });
      }
      attempt();
    }

    /* ---------- leaving the page ---------- */

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState !== 'hidden' && !document.hidden) { return; }
      if (S.finished || leaving || S.attempt === null) { return; }
      api('POST', attemptUrl(exam, S.attempt) + '/leave', {}, { keepalive: true }).then(function (res) {
        if (!res.ok) { return; }
        var d = res.data || {};
        if (typeof d.leaves === 'number') { S.leaves = d.leaves; }
        if (d.max_leaves !== undefined) { S.maxLeaves = d.max_leaves; }
        renderLeaves();
        if (d.submitted) { finish(null); }
      }, function () { /* offline: nothing to report */ });
      /* Unsaved answers go out now, while the page may still run. */
      retryAllNow();
    });

    /* ---------- submitting ---------- */

    function unansweredNumbers() {
      var out = [];
      for (var i = 0; i < S.questions.length; i++) {
        if (!isAnswered(S.questions[i].number)) { out.push(S.questions[i].number); }
      }
      return out;
    }

    function flaggedNumbers() {
      var out = [];
      for (var i = 0; i < S.questions.length; i++) {
        if (S.flagged[S.questions[i].number]) { out.push(S.questions[i].number); }
      }
      return out;
    }

    var confirmNote = null; // {key} | {text}

    function renderConfirmNote() {
      var n = $('confirm-note');
      var text = '';
      if (submitWanted && pendingSaves() > 0) {
        var failing = $('saved').getAttribute('data-state') === 'error';
        text = t(failing ? 'confirm.waitingError' : 'confirm.waiting');
      } else if (confirmNote) {
        text = confirmNote.key ? t(confirmNote.key) : confirmNote.text;
      }
      n.textContent = text;
    }

    function renderConfirm() {
      var un = unansweredNumbers();
      $('unanswered').textContent = un.length ? t('confirm.unanswered', { list: joinList(un) }) : t('confirm.allAnswered');
      $('unanswered').classList.toggle('has-unanswered', un.length > 0);
      var fl = flaggedNumbers();
      var f = $('flagged-list');
      f.hidden = fl.length === 0;
      f.textContent = fl.length ? t('confirm.flagged', { list: joinList(fl) }) : '';
      renderConfirmNote();
    }

    var lastFocus = null;

    function openConfirm() {
      if (S.finished) { return; }
      confirmNote = null;
      submitWanted = false;
      $('confirm-submit').disabled = false;
      renderConfirm();
      lastFocus = document.activeElement;
      confirmBox.hidden = false;
      document.body.classList.add('modal-open');
      $('confirm-cancel').focus();
    }

    function closeConfirm() {
      if (confirmBox.hidden) { return; }
      submitWanted = false;
      confirmBox.hidden = true;
      document.body.classList.remove('modal-open');
      if (lastFocus && lastFocus.focus) { lastFocus.focus(); }
    }

    function trapTab(ev) {
      var items = [$('confirm-cancel'), $('confirm-submit')];
      var enabled = [];
      for (var i = 0; i < items.length; i++) { if (!items[i].disabled) { enabled.push(items[i]); } }
      if (!enabled.length) { ev.preventDefault(); return; }
      var idx = enabled.indexOf(document.activeElement);
      var next = ev.shiftKey ? (idx <= 0 ? enabled.length - 1 : idx - 1) : (idx + 1) % enabled.length;
      enabled[next].focus();
      ev.preventDefault();
    }

    function doSubmit() {
      if (S.finished) { return; }
      submitWanted = false;
      confirmNote = { key: 'confirm.submitting' };
      renderConfirmNote();
      $('confirm-submit').disabled = true;
      api('POST', attemptUrl(exam, S.attempt) + '/submit', {}).then(function (res) {
        if (res.ok || res.status === 409) { finish(null); return; }
        confirmNote = { text: errorText(res) };
        $('confirm-submit').disabled = false;
        renderConfirmNote();
      }, function () {
        confirmNote = { key: 'err.network' };
        $('confirm-submit').disabled = false;
        renderConfirmNote();
      });
    }

    $('submit').addEventListener('click', openConfirm);
    $('confirm-cancel').addEventListener('click', closeConfirm);
    $('confirm-submit').addEventListener('click', function () {
      if (pendingSaves() > 0) {
        submitWanted = true;
        $('confirm-submit').disabled = true;
        retryAllNow();
        renderConfirmNote();
        return;
      }
      doSubmit();
    });

    /* Done: stop everything and show the result page. */
    function finish(msg) {
      if (S.finished) { return; }
      S.finished = true;
      if (ticker) { clearInterval(ticker); ticker = null; }
      for (var k in saves) {
        if (Object.prototype.hasOwnProperty.call(saves, k) && saves[k].timer) { clearTimeout(saves[k].timer); }
      }
      var url = resultPage(exam, S.attempt);
      if (msg) {
        setMessage(msg);
        redirectSoon(url);
      } else {
        goTo(url);
      }
    }

    function redirectSoon(url) {
      var m = $('message');
      var a = el('a', 'btn btn-primary', t('sit.toResult'));
      a.href = url;
      a.id = 'to-result';
      if (m && m.parentNode) { m.parentNode.insertBefore(a, m.nextSibling); }
      setTimeout(function () { goTo(url); }, 4000);
    }

    /* ---------- loading the paper ---------- */

    function normaliseAnswer(x, a) {
      if (a === null || a === undefined) { return ''; }
      return String(a).toUpperCase();
    }

    function load() {
      setMessage({ key: 'sit.loadingPaper' });
      if (!exam) { setMessage({ text: t('err.generic', { status: 404 }) }); return; }
      api('POST', examUrl(exam) + '/attempts', {}).then(function (res) {
        if (res.status === 409 && res.data && res.data.attempt !== undefined && res.data.attempt !== null) {
          S.attempt = res.data.attempt;
          S.finished = true;
          setMessage({ text: errorText(res) });
          redirectSoon(resultPage(exam, res.data.attempt));
          return;
        }
        if (!res.ok || !res.data) {
          setMessage({ text: errorText(res) });
          var back = el('a', 'btn btn-secondary', t('sit.back'));
          back.href = '/exams';
          back.id = 'back';
          var m = $('message');
          m.parentNode.insertBefore(back, m.nextSibling);
          return;
        }
        start(res.data);
      }, function () {
        setMessage({ key: 'err.network' });
        addRetry(load);
      });
    }

    function start(d) {
      S.receivedAt = Date.now();
      S.attempt = d.attempt;
      S.title = d.title || exam;
      S.remaining = typeof d.remaining_seconds === 'number' ? d.remaining_seconds : null;
      S.maxLeaves = d.max_leaves === undefined ? null : d.max_leaves;
      S.leaves = d.leaves || 0;
      S.questions = (d.questions || []).slice().sort(function (a, b) { return a.number - b.number; });
      for (var i = 0; i < S.questions.length; i++) {
        var x = S.questions[i];
        S.byNumber[x.number] = x;
        S.answers[x.number] = normaliseAnswer(x, x.answer);
        S.flagged[x.number] = !!x.flagged;
      }
      /* Resume at the first unanswered question. */
      S.index = 0;
      for (var j = 0; j < S.questions.length; j++) {
        if (!isAnswered(S.questions[j].number)) { S.index = j; break; }
      }
      setMessage(null);
      $('statusbar').hidden = false;
      sheet.hidden = !S.questions.length;
      if (window.matchMedia && window.matchMedia('(max-width: 799px)').matches) {
        $('nav-panel').open = false;
      }
      buildNav();
      renderAll();
      ticker = setInterval(tick, 250);
    }

    load();
  }

  /* ------------------------------------------------------------------ */
  /* Page: result                                                        */
  /* ------------------------------------------------------------------ */

  function pageResult() {
    var segs = pathSegments();
    var exam = segs.length >= 3 ? segs[segs.length - 2] : '';
    var attempt = segs.length >= 3 ? segs[segs.length - 1] : '';
    var info = null;
    var review = null;
    var reviewError = null; // {text} | {key}
    var loadError = null;

    function renderSummary() {
      if (!info) { return; }
      $('title').removeAttribute('data-i18n');
      $('title').textContent = info.title || t('result.heading');
      $('summary').hidden = false;
      var submitted = info.submitted !== false;
      $('score').textContent = submitted && info.score !== null && info.score !== undefined ?
        fmtNum(info.score) + ' / ' + fmtNum(info.total_points) : '—';
      var p = $('passed');
      if (submitted && (info.passed === true || info.passed === false)) {
        p.hidden = false;
        p.className = 'verdict-badge ' + (info.passed ? 'pass' : 'fail');
        p.textContent = t(info.passed ? 'passed' : 'failed');
      } else {
        p.hidden = true;
      }
      var b = $('band');
      b.hidden = !info.band;
      b.textContent = info.band || '';
      var total = Array.isArray(info.questions) ? info.questions.length : info.questions;
      $('answered').textContent = t('result.answeredValue', { n: fmtNum(info.answered || 0), m: fmtNum(total) });
      $('submitted-at-row').hidden = !info.submitted_at;
      $('submitted-at').textContent = fmtTime(info.submitted_at);
      $('not-submitted').hidden = submitted;
      $('continue').href = sitPage(exam);
    }

    function choiceRow(value, letterText, text, answer, key) {
      var picked = answer.indexOf(value) !== -1;
      var isKey = key.indexOf(value) !== -1;
      var li = el('li', 'review-option' + (picked ? ' picked' : '') + (isKey ? ' key' : ''));
      if (letterText) { li.appendChild(el('span', 'letter', letterText)); }
      li.appendChild(el('span', 'text', text));
      var marks = [];
      if (picked) { marks.push(t('result.picked')); }
      if (isKey) { marks.push(t('result.isKey')); }
      if (marks.length) { li.appendChild(el('span', 'marks', '（' + marks.join(t('listSep')) + '）')); }
      return li;
    }

    function shownAnswer(kind, a) {
      if (!a) { return t('result.noAnswer'); }
      if (kind === 'judge') { return a === 'T' ? t('judge.T') : (a === 'F' ? t('judge.F') : a); }
      return a;
    }

    function renderReview() {
      var sec = $('review-section');
      var list = $('review');
      var note = $('review-note');
      if (!review && !reviewError) { return; }
      sec.hidden = false;
      if (reviewError) {
        note.hidden = false;
        note.textContent = reviewError.key ? t(reviewError.key) : reviewError.text;
        list.hidden = true;
        return;
      }
      note.hidden = true;
      clear(list);
      var qs = review.questions || [];
      for (var i = 0; i < qs.length; i++) {
        var x = qs[i];
        var answer = x.answer ? String(x.answer).toUpperCase() : '';
        var key = x.key ? String(x.key).toUpperCase() : '';
        var mark = Number(x.mark) || 0;
        var pts = Number(x.points) || 0;
        var verdict = mark >= pts && pts > 0 ? 'correct' : (mark > 0 ? 'partial' : 'wrong');
        if (pts === 0) { verdict = answer === key ? 'correct' : 'wrong'; }
        var li = el('li', 'review-item card ' + verdict);
        li.setAttribute('data-number', x.number);

        var head = el('div', 'review-head');
        head.appendChild(el('span', 'review-number', t('sit.qnumber', { n: x.number, kind: t('kind.' + x.kind), points: fmtNum(x.points) })));
        var v = el('span', 'verdict ' + verdict, t(verdict === 'correct' ? 'result.correct' : (verdict === 'partial' ? 'result.partial' : 'result.wrong')));
        head.appendChild(v);
        head.appendChild(el('span', 'review-mark', t('result.mark', { mark: fmtNum(x.mark), points: fmtNum(x.points) })));
        li.appendChild(head);

        li.appendChild(el('p', 'stem', x.stem || ''));

        var ul = el('ul', 'review-options');
        if (x.kind === 'judge') {
          ul.appendChild(choiceRow('T', '', t('judge.T'), answer, key));
          ul.appendChild(choiceRow('F', '', t('judge.F'), answer, key));
        } else {
          var opts = x.options || [];
          for (var j = 0; j < opts.length; j++) {
            var L = String.fromCharCode(65 + j);
            ul.appendChild(choiceRow(L, L, opts[j], answer, key));
          }
        }
        li.appendChild(ul);

        var ak = el('p', 'answer-key');
        ak.appendChild(el('span', 'your-answer', t('result.yourAnswer', { a: shownAnswer(x.kind, answer) })));
        ak.appendChild(document.createTextNode(lang === 'en' ? '; ' : '；'));
        ak.appendChild(el('span', 'the-key', t('result.key', { k: shownAnswer(x.kind, key) })));
        li.appendChild(ak);

        appendWhy(li, x);
        list.appendChild(li);
      }
      list.hidden = false;
    }

    function render() {
      if (loadError) { showMessage(loadError.key ? t(loadError.key) : loadError.text); }
      renderSummary();
      renderReview();
    }
    onLangChange(function () {
      render();
      /* the server's own words (a refusal, a note) come again in the new language */
      if (loadError && loadError.text) { load(); }
      else if (reviewError && reviewError.text) { loadReview(); }
    });

    $('print').addEventListener('click', function () { window.print(); });

    function loadReview() {
      api('GET', attemptUrl(exam, attempt) + '/review').then(function (res) {
        if (res.ok && res.data) { review = res.data; reviewError = null; }
        else { reviewError = res.data && res.data.error ? { text: res.data.error } : { key: 'result.noReview' }; }
        renderReview();
      }, function () {
        reviewError = { key: 'err.network' };
        renderReview();
      });
    }

    /* The person's name, so that a printed result says whose it is. */
    api('GET', '/api/v1/me').then(function (res) {
      if (!res.ok || !res.data) { return; }
      var d = res.data;
      var text = (d.name || '') + (d.employee ? '（' + d.employee + '）' : '') + (d.department ? ' · ' + d.department : '');
      $('candidate').textContent = text;
      $('candidate-row').hidden = !text;
    }, function () {});

    function load() {
      $('loading').hidden = false;
      loadError = null;
      showMessage('');
      api('GET', attemptUrl(exam, attempt)).then(function (res) {
        $('loading').hidden = true;
        if (!res.ok || !res.data) { loadError = { text: errorText(res) }; render(); return; }
        info = res.data;
        render();
        if (info.submitted !== false) {
          /* Asked even when review_available is false: the 403 says why (and until when). */
          loadReview();
        }
      }, function () {
        $('loading').hidden = true;
        loadError = { key: 'err.network' };
        render();
        addRetry(load);
      });
    }

    load();
  }

  /* ------------------------------------------------------------------ */
  /* Page: practice                                                      */
  /* ------------------------------------------------------------------ */

  /* A key or an answer as a person reads it: letters, or 对/错 (True/False). */
  function keyText(kind, k) {
    if (!k) { return ''; }
    if (kind === 'judge') { return k === 'T' ? t('judge.T') : (k === 'F' ? t('judge.F') : k); }
    return String(k);
  }

  function pagePractice() {
    var P = {
      questions: [],
      index: 0,
      request: null,  // the last draw's body, for "practise again"
      picked: '',     // the answer chosen for the question shown: "AC", "T" …
      feedback: null, // the server's feedback once the answer is checked
      asked: 0,
      right: 0,
      busy: false
    };
    var messageState = null; // {key} or {text}
    var noticeState = null;  // {key}
    var optionsBox = $('options');

    function setMessage(m) {
      messageState = m;
      showMessage(m ? (m.key ? t(m.key, m.params) : m.text) : '');
    }

    function setNotice(m) {
      noticeState = m;
      var n = $('notice');
      n.textContent = m ? t(m.key) : '';
      n.hidden = !m;
    }

    function q() { return P.questions[P.index]; }


    function show(section) {
      $('setup').hidden = section !== 'setup';
      $('quiz').hidden = section !== 'quiz';
      $('done').hidden = section !== 'done';
    }

    /* ---------- rendering ---------- */

    function renderButtons() {
      var f = P.feedback;
      var starts = ['daily', 'review', 'free'];
      for (var i = 0; i < starts.length; i++) { $(starts[i]).disabled = P.busy; }
      $('check').hidden = !!f;
      $('skip').hidden = !!f;
      $('next').hidden = !f;
      $('check').disabled = P.busy || !P.picked;
      $('skip').disabled = P.busy;
      $('check').textContent = t(P.busy && !f ? 'practice.checking' : 'practice.check');
      $('next').textContent = t(P.index >= P.questions.length - 1 ? 'practice.finish' : 'practice.next');
    }

    function renderFeedback() {
      var box = $('feedback');
      var f = P.feedback;
      box.hidden = !f;
      if (!f) { return; }
      var x = q();
      box.className = 'feedback ' + (f.correct ? 'correct' : 'wrong');
      var v = $('verdict');
      v.className = 'verdict ' + (f.correct ? 'correct' : 'wrong');
      v.textContent = t(f.correct ? 'practice.right' : 'practice.wrong');
      var k = $('key');
      clear(k);
      k.appendChild(el('span', 'your-answer', t('practice.yourAnswer', { a: keyText(x.kind, f.answer) })));
      k.appendChild(document.createTextNode(lang === 'en' ? '; ' : '；'));
      k.appendChild(el('span', 'the-key', t('practice.key', { k: keyText(x.kind, f.key) })));
      var ex = $('explanation');
      clear(ex);
      ex.hidden = !f.explanation;
      if (f.explanation) {
        ex.appendChild(el('strong', null, t('result.explanation')));
        ex.appendChild(document.createTextNode(f.explanation));
      }
      var cited = lawText(f.law, f.article);
      var lw = $('law-cited');
      clear(lw);
      lw.hidden = !cited;
      if (cited) {
        lw.appendChild(el('strong', null, t('result.law')));
        lw.appendChild(document.createTextNode(cited));
      }
      var note = $('book-note');
      if (f.book) { note.textContent = t('practice.inBook', { box: f.book.box, due: f.book.due }); }
      else if (f.left_book) { note.textContent = t('practice.leftBook'); }
      else { note.textContent = ''; }
      note.hidden = !note.textContent;
    }

    function renderQuestion() {
      var x = q();
      if (!x) { return; }
      $('quiz').setAttribute('data-bank', x.bank);
      $('quiz').setAttribute('data-id', x.id);
      var kind = t('kind.' + x.kind);
      var where = { n: P.index + 1, m: P.questions.length, kind: kind, law: x.law };
      $('qnumber').textContent = t(x.law ? 'practice.qnumberLaw' : 'practice.qnumber', where);
      $('stem').textContent = x.stem || '';
      var choices = resetOptions(optionsBox, x);
      var f = P.feedback;
      var key = f ? String(f.key || '') : '';
      var given = f ? String(f.answer || '') : P.picked;
      for (var j = 0; j < choices.length; j++) {
        var c = choices[j];
        var label = el('label', 'option');
        var input = document.createElement('input');
        input.type = x.kind === 'multiple' ? 'checkbox' : 'radio';
        input.name = 'option';
        input.value = c.value;
        input.id = 'option-' + c.value;
        input.checked = given.indexOf(c.value) !== -1;
        input.disabled = !!f;
        label.appendChild(input);
        if (c.letter) { label.appendChild(el('span', 'letter', c.letter)); }
        label.appendChild(el('span', 'text', c.text));
        if (input.checked) { label.classList.add('checked'); }
        if (f) {
          /* After the answer: the key and the choice marked in words, not by colour alone. */
          var marks = [];
          label.classList.add('answered');
          if (input.checked) { marks.push(t('practice.picked')); }
          if (key.indexOf(c.value) !== -1) {
            label.classList.add('key');
            marks.push(t('practice.isKey'));
          } else if (input.checked) {
            label.classList.add('picked-wrong');
          }
          if (marks.length) { label.appendChild(el('span', 'marks', '（' + marks.join(t('listSep')) + '）')); }
        }
        optionsBox.appendChild(label);
      }
      renderFeedback();
      renderButtons();
    }

    function renderDone() {
      $('summary').textContent = t('practice.summary', { asked: P.asked, right: P.right });
    }

    onLangChange(function () {
      if (messageState) { setMessage(messageState); }
      if (noticeState) { setNotice(noticeState); }
      if (!$('quiz').hidden) { renderQuestion(); }
      if (!$('done').hidden) { renderDone(); }
      renderButtons();
    });

    /* ---------- drawing, answering, moving on ---------- */

    function draw(body) {
      if (P.busy) { return; }
      setMessage(null);
      setNotice(null);
      P.busy = true;
      renderButtons();
      api('POST', '/api/v1/practice/draw', body).then(function (res) {
        P.busy = false;
        renderButtons();
        if (!res.ok || !res.data) { show('setup'); setMessage({ text: errorText(res) }); return; }
        var qs = Array.isArray(res.data.questions) ? res.data.questions : [];
        if (!qs.length) {
          show('setup');
          setNotice({ key: res.data.mode === 'review' ? 'practice.nothingDue' : 'practice.nothing' });
          return;
        }
        P.request = body;
        P.questions = qs;
        P.index = 0;
        P.asked = 0;
        P.right = 0;
        begin();
      }, function () {
        P.busy = false;
        renderButtons();
        setMessage({ key: 'err.network' });
      });
    }

    function begin() {
      P.picked = '';
      P.feedback = null;
      show('quiz');
      renderQuestion();
      $('qnumber').focus();
    }

    function advance() {
      setMessage(null);
      if (P.index >= P.questions.length - 1) {
        show('done');
        renderDone();
        $('again').focus();
        return;
      }
      P.index++;
      begin();
    }

    optionsBox.addEventListener('change', function () {
      if (P.feedback) { return; }
      var x = q();
      var inputs = optionsBox.querySelectorAll('input[name="option"]');
      var v = '';
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].parentNode.classList.toggle('checked', inputs[i].checked);
        if (inputs[i].checked) { v = x.kind === 'multiple' ? v + inputs[i].value : inputs[i].value; }
      }
      P.picked = v;
      renderButtons();
    });

    $('check').addEventListener('click', function () {
      var x = q();
      if (!x || P.busy || !P.picked || P.feedback) { return; }
      setMessage(null);
      P.busy = true;
      renderButtons();
      var body = { bank: x.bank, id: x.id, version: x.version, answer: P.picked };
      api('POST', '/api/v1/practice/answers', body).then(function (res) {
        P.busy = false;
        if (res.ok && res.data) {
          P.feedback = res.data;
          P.asked++;
          if (res.data.correct) { P.right++; }
          renderQuestion();
          $('next').focus();
          return;
        }
        if (res.status === 409 && res.data && res.data.question) {
          /* Changed after it was shown: asked again as it reads now. */
          P.questions[P.index] = res.data.question;
          P.picked = '';
          renderQuestion();
        } else {
          renderButtons();
        }
        setMessage({ text: errorText(res) });
      }, function () {
        P.busy = false;
        renderButtons();
        setMessage({ key: 'err.network' });
      });
    });

    $('skip').addEventListener('click', function () { if (!P.busy) { advance(); } });
    $('next').addEventListener('click', advance);
    $('again').addEventListener('click', function () { if (P.request) { draw(P.request); } });

    $('daily').addEventListener('click', function () { draw({ mode: 'daily' }); });
    $('review').addEventListener('click', function () { draw({ mode: 'review' }); });
    $('free-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var count = Number($('count').value);
      if (!(count >= 1 && count <= 100 && Math.floor(count) === count)) {
        setMessage({ key: 'practice.badCount' });
        $('count').focus();
        return;
      }
      /* Several laws may be named: 民法典、宪法 or 民法典, 宪法. */
      var laws = [];
      var parts = halfWidth($('law').value).split(/[,;、]+/);
      for (var i = 0; i < parts.length; i++) {
        var name = parts[i].trim();
        if (name) { laws.push(name); }
      }
      var body = { mode: 'free', laws: laws, count: count };
      if ($('kind').value) { body.kind = $('kind').value; }
      draw(body);
    });

    renderButtons();
    /* /practice?mode=review (the book's link) and ?mode=daily start at once. */
    var wanted = /[?&]mode=(daily|review)(&|$)/.exec(location.search);
    if (wanted) { draw({ mode: wanted[1] }); }
  }

  /* ------------------------------------------------------------------ */
  /* Page: book                                                          */
  /* ------------------------------------------------------------------ */

  function pageBook() {
    var book = null;
    var loadError = null; // {key} or {text}

    function choiceRow(value, letterText, text, key) {
      var isKey = key.indexOf(value) !== -1;
      var li = el('li', 'review-option' + (isKey ? ' key' : ''));
      if (letterText) { li.appendChild(el('span', 'letter', letterText)); }
      li.appendChild(el('span', 'text', text));
      if (isKey) { li.appendChild(el('span', 'marks', '（' + t('practice.isKey') + '）')); }
      return li;
    }

    function renderItem(x) {
      var key = String(x.key || '');
      var li = el('li', 'review-item book-item card' + (x.due_today ? ' due-today' : ''));
      li.setAttribute('data-bank', x.bank);
      li.setAttribute('data-id', x.id);
      var head = el('div', 'review-head');
      head.appendChild(el('span', 'book-kind', t('kind.' + x.kind)));
      head.appendChild(el('span', 'book-place', t('book.place', { box: x.box, due: x.due, wrong: x.wrong })));
      if (x.due_today) { head.appendChild(el('span', 'due-badge', t('book.dueToday'))); }
      li.appendChild(head);
      li.appendChild(el('p', 'stem', x.stem || ''));
      var ul = el('ul', 'review-options');
      if (x.kind === 'judge') {
        ul.appendChild(choiceRow('T', '', t('judge.T'), key));
        ul.appendChild(choiceRow('F', '', t('judge.F'), key));
      } else {
        var opts = x.options || [];
        for (var j = 0; j < opts.length; j++) {
          var L = String.fromCharCode(65 + j);
          ul.appendChild(choiceRow(L, L, opts[j], key));
        }
      }
      li.appendChild(ul);
      li.appendChild(el('p', 'answer-key', t('practice.key', { k: keyText(x.kind, key) })));
      appendWhy(li, x);
      return li;
    }

    function render() {
      if (loadError) { showMessage(loadError.key ? t(loadError.key) : loadError.text); }
      if (!book) { return; }
      var qs = Array.isArray(book.questions) ? book.questions : [];
      var list = $('book');
      clear(list);
      for (var i = 0; i < qs.length; i++) { list.appendChild(renderItem(qs[i])); }
      $('book-empty').hidden = qs.length !== 0;
      var summary = $('book-summary');
      summary.hidden = !qs.length;
      summary.textContent = t('book.summary', { n: qs.length, due: book.due || 0 });
      $('review-due').hidden = !(book.due > 0);
    }
    onLangChange(function () {
      render();
      /* the server's own words come again in the new language */
      if (loadError && loadError.text) { load(); }
    });

    function load() {
      $('loading').hidden = false;
      loadError = null;
      showMessage('');
      api('GET', '/api/v1/practice/book').then(function (res) {
        $('loading').hidden = true;
        if (!res.ok || !res.data) { loadError = { text: errorText(res) }; render(); return; }
        book = res.data;
        render();
      }, function () {
        $('loading').hidden = true;
        loadError = { key: 'err.network' };
        render();
        addRetry(load);
      });
    }

    load();
  }

  /* ------------------------------------------------------------------ */
  /* Start                                                               */
  /* ------------------------------------------------------------------ */

  function main() {
    applyI18n();
    setupLangButton();
    var m = $('message');
    if (m && !m.textContent) { m.hidden = true; }
    var page = document.body.getAttribute('data-page');
    if (page === 'login') { pageLogin(); }
    else if (page === 'exams') { pageExams(); }
    else if (page === 'sit') { pageSit(); }
    else if (page === 'result') { pageResult(); }
    else if (page === 'practice') { pagePractice(); }
    else if (page === 'book') { pageBook(); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
})();
