import { replyIntent } from './sms-reply';

test.each(['STOP', 'stop', ' Stop. ', 'ＳＴＯＰ', '退订', '退订。', 'td', 'UNSUBSCRIBE!'])('%j opts out', (text) => {
  expect(replyIntent(text)).toBe('OPT_OUT');
});

test.each(['', 'please stop calling me at work', 'STOP IT', '不要退订', 'OK', 'STOPP'])('%j is not an opt-out', (text) => {
  expect(replyIntent(text)).toBe('OTHER');
});
