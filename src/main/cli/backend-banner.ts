// Which backend runs and why each other one was skipped, as the CLI prints it: the pick with its
// reason first, then one short indented line per skipped backend, wrapped to the terminal (at most
// 100 columns) so that the banner reads in a narrow window and stays whole in a log.
import { Help } from 'commander';
import type { BackendInfo } from '../../shared/contract';

/** The widest banner line: a log or a wide terminal keeps lines short enough to read. */
const MAX_COLUMNS = 100;

/** A stream's width for the banner: the terminal's, at most `MAX_COLUMNS`; `MAX_COLUMNS` where it is no terminal. */
export function bannerColumns(stream: NodeJS.WriteStream): number {
  return Math.min(MAX_COLUMNS, stream.isTTY && stream.columns ? stream.columns : MAX_COLUMNS);
}

/** `text` wrapped at whitespace to `columns` (commander's wrapping, as its help text wraps), lines after the first indented by `indent`. */
export function wrapLine(text: string, columns: number, indent: number): string {
  const help = new Help();
  return help.boxWrap(text, columns - indent).replace(/\n/g, `\n${' '.repeat(indent)}`);
}

/**
 * The banner for `info`, lines of at most `columns` characters where words allow:
 * `label: name (reason, threads: note)`, its continuation under the name, then `Skipped:` and one
 * `  name  reason` item per skipped backend (its continuation under the reason).
 */
export function describeBackend(info: BackendInfo, columns = MAX_COLUMNS, label = 'Backend'): string {
  const help = new Help();
  help.helpWidth = columns;
  const count = info.threads === undefined ? '' : `, ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const threads = `${count}${info.note ? `${count ? ':' : ','} ${info.note}` : ''}`;
  const head = `${label}: `;
  const pick = wrapLine(`${info.name} (${info.reason}${threads})`, columns, head.length);
  if (info.skipped.length === 0) return `${head}${pick}`;
  const nameWidth = Math.max(...info.skipped.map((s) => s.name.length));
  const skipped = info.skipped.map((s) => help.formatItem(s.name, nameWidth, s.reason, help));
  return [`${head}${pick}`, 'Skipped:', ...skipped].join('\n');
}
