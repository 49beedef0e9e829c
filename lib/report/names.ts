/** The names `--reporter` takes: one list, light enough for the command line to load at start-up. */
export const REPORTER_NAMES = ['human', 'tap', 'junit', 'json', 'github'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];
