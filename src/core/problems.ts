/** A problem found in a YAML file, pointing at the offending node. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

export function formatProblem(p: Problem): string {
  const label = p.severity === 'error' ? '错误' : '提醒';
  return `${p.file}:${p.line}:${p.col}: ${label}：${p.message}`;
}

export const hasErrors = (problems: Problem[]): boolean => problems.some((p) => p.severity === 'error');
