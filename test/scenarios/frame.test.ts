/** Code frames: a few numbered lines around the place, a caret under the column. */
import t from 'tap';
import { codeFrame } from '../../lib/scenarios/frame.js';

const TEXT = ['one', 'two', 'three', 'four', 'five', 'six'].join('\n');

t.test('lines around the place, the place marked, a caret under the column', (t) => {
  t.equal(
    codeFrame(TEXT, 4, 3),
    ['  2 | two', '  3 | three', '> 4 | four', '    |   ^', '  5 | five'].join('\n'),
  );
  t.end();
});

t.test('at the edges of the text', (t) => {
  t.equal(codeFrame(TEXT, 1, 1), ['> 1 | one', '    | ^', '  2 | two'].join('\n'));
  t.equal(
    codeFrame(TEXT, 6, 4),
    ['  4 | four', '  5 | five', '> 6 | six', '    |    ^'].join('\n'),
  );
  t.equal(
    codeFrame(TEXT, 99, 1),
    ['  4 | four', '  5 | five', '> 6 | six', '    | ^'].join('\n'),
    'clamped',
  );
  t.equal(codeFrame('', 1, 1), ['> 1 |', '    | ^'].join('\n'), 'empty text');
  t.end();
});

t.test('line numbers are aligned; tabs are kept in the caret line; CRLF works', (t) => {
  const text = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\r\n');
  t.equal(
    codeFrame(text, 9, 6),
    ['   7 | line 7', '   8 | line 8', '>  9 | line 9', '     |      ^', '  10 | line 10'].join(
      '\n',
    ),
  );
  t.equal(codeFrame('\tkey: x', 1, 2), ['> 1 | \tkey: x', '    | \t^'].join('\n'));
  t.end();
});

t.test('a long line is cut to a window around the column', (t) => {
  const long = `${'a'.repeat(500)}X${'b'.repeat(500)}`;
  const frame = codeFrame(long, 1, 501);
  const [line, caret] = frame.split('\n') as [string, string];
  t.ok(line.length < 140, 'short');
  t.match(line, /^> 1 \| …a+Xb+…$/);
  t.equal(caret.indexOf('^'), line.indexOf('X'), 'the caret is under the column');
  t.end();
});
