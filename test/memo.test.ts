import t from 'tap';
import { memoize } from '../lib/memo.js';

t.test('memoize: one call per distinct key, undefined results remembered, bounded', async (t) => {
  const calls: string[] = [];
  const f = memoize((k) => {
    calls.push(k);
    return k === 'none' ? undefined : k.length;
  }, 3);
  t.equal(f('ab'), 2);
  t.equal(f('ab'), 2);
  t.equal(f('none'), undefined);
  t.equal(f('none'), undefined);
  t.same(calls, ['ab', 'none'], 'each key worked out once, an undefined result too');
  f('c');
  f('d'); // the fourth distinct key: the table starts again
  t.equal(f('ab'), 2);
  t.same(calls, ['ab', 'none', 'c', 'd', 'ab'], 'past the limit, a key is worked out again');
});

t.test('memoize: the last key is answered at once, and only while it is the last', async (t) => {
  const calls: string[] = [];
  const f = memoize((k) => {
    calls.push(k);
    return `${k}!`;
  }, 1);
  const answers = ['a', 'a', 'b', 'b', 'a', 'b'].map((k) => f(k));
  t.same(answers, ['a!', 'a!', 'b!', 'b!', 'a!', 'b!']);
  // A table of one: every change of key works the new one out again.
  t.same(calls, ['a', 'b', 'a', 'b']);
});
