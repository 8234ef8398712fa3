// Exports with the page's numbers: a breakdown as CSV (UTF-8 with BOM, so Excel reads the Chinese), and the whole
// report as an XLSX workbook (exceljs) with Chinese headers. Text that a spreadsheet would run as a formula is defused.
import ExcelJS from 'exceljs';
import { FIGURES, type FigureId } from '../../shared/metrics.ts';
import {
  BREAKDOWN_COLUMNS, BREAKDOWN_LABELS, FIGURE_IDS, breakdownRow, figureValue,
  type BreakdownDim, type BreakdownRow, type Report,
} from '../../shared/reports.ts';
import { LATE_CAUSE_LABELS } from '../../shared/why-late.ts';

type Lang = 'zh' | 'en';

/**
 * A cell starting with = + - @ (or a tab / carriage return) is a formula to Excel, LibreOffice and Sheets: prefix an
 * apostrophe so it stays text (OWASP "CSV injection"). Names of grids, compounds and people come from imports and
 * forms, so every text cell goes through this.
 */
export function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(v: string | number | null): string {
  if (v == null) return '';
  if (typeof v === 'number') return String(v);
  return `"${defuse(v).replace(/"/g, '""')}"`;
}

const head = (lang: Lang, c: { zh: string; en: string }) => (lang === 'en' ? c.en : c.zh);

/** The total row every breakdown ends with: the report's own counters. */
function totalRow(report: Report, lang: Lang): BreakdownRow {
  return breakdownRow('', lang === 'en' ? 'Total' : '合计', report.current.counters, report.previous.counters);
}

export function breakdownCsv(by: BreakdownDim, rows: BreakdownRow[], total: BreakdownRow, lang: Lang = 'zh'): string {
  const lines = [[head(lang, BREAKDOWN_LABELS[by]), ...BREAKDOWN_COLUMNS.map((c) => head(lang, c))].map((h) => csvCell(h)).join(',')];
  for (const r of [...rows, total]) lines.push([csvCell(r.label), ...BREAKDOWN_COLUMNS.map((c) => csvCell(c.value(r)))].join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function csvFor(report: Report, by: BreakdownDim, rows: BreakdownRow[], lang: Lang = 'zh'): string {
  return breakdownCsv(by, rows, totalRow(report, lang), lang);
}

function textCell(v: string | number | null): string | number | null {
  return typeof v === 'string' ? defuse(v) : v;
}

export async function reportXlsx(report: Report, responders: BreakdownRow[], lang: Lang = 'zh'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'grid-ops';
  wb.created = new Date(report.generatedAt);
  const L = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const bold = (row: ExcelJS.Row) => { row.font = { bold: true }; };

  const summary = wb.addWorksheet(L('概览', 'Summary'));
  summary.columns = [{ width: 22 }, { width: 14 }, { width: 14 }, { width: 90 }];
  summary.addRow([textCell(L('报表', 'Report')), textCell(report.scope.name)]);
  summary.addRow([textCell(L('时段', 'Period')), `${report.period.current.from} – ${report.period.current.to}`]);
  summary.addRow([textCell(L('上期', 'Previous')), `${report.period.previous.from} – ${report.period.previous.to}`]);
  summary.addRow([]);
  bold(summary.addRow([L('指标', 'Figure'), L('本期', 'This period'), L('上期', 'Previous'), L('定义', 'Definition')]));
  for (const id of FIGURE_IDS as readonly FigureId[]) {
    const def = FIGURES[id];
    const unit = def.unit === 'rate' ? ' (%)' : def.unit === 'seconds' ? L('（秒）', ' (s)') : '';
    summary.addRow([textCell(head(lang, def) + unit), figureValue(id, report.current.figures), figureValue(id, report.previous.figures), textCell(lang === 'en' ? def.defEn : def.defZh)]);
  }
  summary.addRow([]);
  bold(summary.addRow([L('计数', 'Counts'), L('本期', 'This period'), L('上期', 'Previous')]));
  const c = report.current.counters, p = report.previous.counters;
  for (const [label, cur, prev] of [
    [L('上报', 'Reported'), c.reported, p.reported], [L('剔除（不予受理）', 'Excluded (rejected)'), c.excluded, p.excluded],
    [L('应响应', 'Response due'), c.resp_due, p.resp_due], [L('按时响应', 'On time'), c.resp_on_time, p.resp_on_time],
    [L('超时', 'Late'), c.resp_due - c.resp_on_time, p.resp_due - p.resp_on_time], [L('超时仍未响应', 'Open past target'), c.resp_open_late, p.resp_open_late],
  ] as Array<[string, number, number]>) summary.addRow([label, cur, prev]);

  const causes = wb.addWorksheet(L('超时原因', 'Why late'));
  causes.columns = [{ width: 22 }, { width: 12 }, { width: 16 }, { width: 80 }];
  bold(causes.addRow([L('原因', 'Cause'), L('超时工单', 'Late tickets'), L('拒单/超时次数', 'Offers passed'), L('定义', 'Definition')]));
  for (const k of report.causes) {
    const l = LATE_CAUSE_LABELS[k.cause];
    causes.addRow([textCell(lang === 'en' ? l.en : l.zh), k.late, k.passes, textCell(lang === 'en' ? l.defEn : l.defZh)]);
  }

  const sheets: Array<[BreakdownDim, BreakdownRow[]]> = [
    ['community', report.breakdowns.community], ['grid', report.breakdowns.grid], ['category', report.breakdowns.category],
    ['channel', report.breakdowns.channel], ['responder', responders], ['hour', report.breakdowns.hour],
  ];
  for (const [dim, rows] of sheets) {
    const ws = wb.addWorksheet(L(`按${BREAKDOWN_LABELS[dim].zh}`, `By ${BREAKDOWN_LABELS[dim].en.toLowerCase()}`));
    ws.columns = [{ width: 24 }, ...BREAKDOWN_COLUMNS.map(() => ({ width: 13 }))];
    bold(ws.addRow([head(lang, BREAKDOWN_LABELS[dim]), ...BREAKDOWN_COLUMNS.map((col) => head(lang, col))]));
    for (const r of [...rows, totalRow(report, lang)]) ws.addRow([textCell(r.label), ...BREAKDOWN_COLUMNS.map((col) => textCell(col.value(r)))]);
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
