// Live upload progress on stderr: one bar per file in flight and an overall bar with an ETA
// (cli-progress). On a terminal bars redraw in place; elsewhere they are off unless forced. With
// bars, each finished file's line is printed above them (stderr); without, on stdout.
import cliProgress from "cli-progress";

export type ProgressMode = "auto" | "always" | "never";

export interface UploadBars {
  start(path: string, total: number): void;
  progress(path: string, sent: number): void;
  done(path: string, line: string): void;
  stop(): void;
}

export function uploadBars(totalBytes: number, fileCount: number, mode: ProgressMode): UploadBars {
  const stream = process.stderr;
  const enabled = mode === "always" || (mode === "auto" && stream.isTTY);
  if (!enabled) {
    return {
      start() {},
      progress() {},
      done: (_path, line) => line && process.stdout.write(`${line}\n`),
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: "{label} |{bar}| {percentage}% {size} ETA {eta_formatted}",
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: mode === "always",
      notTTYSchedule: 250,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const overallLabel = (done: number) => `all ${done}/${fileCount} files`.padEnd(32).slice(0, 32);
  const overall = multi.create(Math.max(totalBytes, 1), 0, {
    label: overallLabel(0),
    size: megabytes(totalBytes),
  });
  const bars = new Map<string, cliProgress.SingleBar>();
  const sentByFile = new Map<string, number>();
  const sizes = new Map<string, number>();
  let finished = 0;
  const addToOverall = () => {
    let sum = 0;
    for (const value of sentByFile.values()) sum += value;
    overall.update(sum, { label: overallLabel(finished) });
  };
  return {
    start(path, total) {
      if (bars.has(path)) return;
      sizes.set(path, total);
      const label = (path.split("/").pop() ?? path).padEnd(32).slice(0, 32);
      bars.set(path, multi.create(Math.max(total, 1), 0, { label, size: megabytes(total) }));
    },
    progress(path, sent) {
      bars.get(path)?.update(sent);
      sentByFile.set(path, sent);
      addToOverall();
    },
    done(path, line) {
      const bar = bars.get(path);
      if (bar) {
        bar.update(bar.getTotal());
        multi.remove(bar);
        bars.delete(path);
      }
      finished++;
      sentByFile.set(path, sizes.get(path) ?? 0);
      addToOverall();
      if (line) multi.log(`${line}\n`);
    },
    stop() {
      overall.update(overall.getTotal());
      multi.update(); // stop() alone would drop lines logged since the last redraw
      multi.stop();
    },
  };
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
