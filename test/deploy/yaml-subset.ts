/**
 * The YAML the shipped manifests are written in, and no more: block mappings and
 * sequences by indentation (a sequence item may open a mapping: `- name: sim`), flow
 * sequences of scalars (`["sh", "-c"]`), literal blocks (`|`), quoted and plain
 * scalars (integers and true/false read as such), and `#` comments. Anything else
 * throws with its line number, so a manifest that outgrows the subset fails its test
 * rather than being read wrongly. (A YAML package would read more; the manifests need
 * this much, and the test is what keeps them to it.)
 */
type Value = string | number | boolean | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
  number: number;
}

export function parseYaml(source: string): Value {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() !== '') lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), number: i + 1 });
  });
  const all = source.split('\n');
  let at = 0;

  function block(indent: number): Value {
    const first = lines[at]!;
    if (first.indent !== indent) throw new Error(`line ${first.number}: expected indentation ${indent}`);
    return first.text.startsWith('- ') || first.text === '-' ? sequence(indent) : mapping(indent);
  }

  function sequence(indent: number): Value[] {
    const items: Value[] = [];
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith('-')) {
      const line = lines[at]!;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        at++;
        items.push(block(lines[at]!.indent));
      } else if (/^[\w.-]+:( |$)/.test(rest)) {
        // `- key: value` opens a mapping whose other keys sit under `key`.
        lines[at] = { indent: indent + line.text.indexOf(rest), text: rest, number: line.number };
        items.push(mapping(lines[at]!.indent));
      } else {
        at++;
        items.push(scalarOrBlock(rest, line, indent));
      }
    }
    return items;
  }

  function mapping(indent: number): { [key: string]: Value } {
    const map: { [key: string]: Value } = {};
    while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.text.startsWith('- ')) {
      const line = lines[at]!;
      const match = /^([\w.$-]+):(?: (.*))?$/.exec(line.text);
      if (!match) throw new Error(`line ${line.number}: expected "key: value", got ${JSON.stringify(line.text)}`);
      at++;
      const [, key, rest] = match;
      if (rest === undefined) map[key!] = at < lines.length && lines[at]!.indent > indent ? block(lines[at]!.indent) : '';
      else map[key!] = scalarOrBlock(rest, line, indent);
    }
    if (at < lines.length && lines[at]!.indent > indent) throw new Error(`line ${lines[at]!.number}: unexpected indentation`);
    return map;
  }

  /** A scalar, a flow sequence, or a literal block (`|`): its lines as written, indentation kept beyond the first's. */
  function scalarOrBlock(text: string, line: Line, indent: number): Value {
    if (text !== '|') return scalar(text, line);
    const body: string[] = [];
    let blockIndent: number | undefined;
    for (let n = line.number; n < all.length; n++) {
      const raw = all[n]!;
      const rawIndent = raw.length - raw.trimStart().length;
      if (raw.trim() !== '' && rawIndent <= indent) break;
      blockIndent ??= raw.trim() === '' ? undefined : rawIndent;
      body.push(raw.slice(blockIndent ?? 0));
    }
    while (at < lines.length && lines[at]!.number <= line.number + body.length) at++;
    return body.join('\n').replace(/\n*$/, '\n');
  }

  const value = block(0);
  if (at < lines.length) throw new Error(`line ${lines[at]!.number}: unexpected ${JSON.stringify(lines[at]!.text)}`);
  return value;
}

function scalar(text: string, line: Line): Value {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${line.number}: a flow sequence must end on its line`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((part) => scalar(part.trim(), line));
  }
  if (text.startsWith('{') || text.startsWith('&') || text.startsWith('*') || text.startsWith('>')) throw new Error(`line ${line.number}: outside the YAML subset: ${text}`);
  const quoted = /^"(.*)"$/.exec(text) ?? /^'(.*)'$/.exec(text);
  if (quoted) return quoted[1]!;
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** A line without its comment: `#` at the start or after a space, outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ')) {
      return line.slice(0, i);
    }
  }
  return line;
}
