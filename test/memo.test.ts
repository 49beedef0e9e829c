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
