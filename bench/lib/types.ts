import type { Summary, Unit } from "./stats.ts";

export type Verdict = "MET" | "MISSED" | "INFO";

/** One line of the report's table. */
export interface Row {
  id: string;
  measurement: string;
  unit: Unit;
  candidate: { label: string; summary: Summary };
  baseline?: { label: string; summary: Summary };
  /** What the goal is judged on, e.g. "+38 ms" or "0.112× of baseline". */
  overhead: string;
  goal: string;
  verdict: Verdict;
  /** The measured figure the verdict rests on, said plainly. */
  figure: string;
  notes?: string;
}

/** What every section returns: its table rows and its raw samples for report.json. */
export interface SectionResult {
  name: string;
  method: string[];
  rows: Row[];
  raw: unknown;
  /** Set when (part of) the section could not run; its rows are then missing or incomplete. */
  errors?: string[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  dockerEngine: string;
  dockerClient: string;
  buildx: string;
  date: string;
  /** 1-minute load average when the bench started and when it ended: other work on the machine shows here. */
  loadAverage: { start: number; end?: number };
}

export interface Source {
  kind: "worktree" | "rev";
  commit: string;
  /** Worktree only: files that differed from the commit when the snapshot was taken. */
  dirty: string[];
}
