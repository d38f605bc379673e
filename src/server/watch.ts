import { realpathSync, watch, watchFile, unwatchFile, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs (editors write in several steps). */
  readonly debounceMs?: number;
  /** Longest wait after the first event of a burst, so a steady stream of events in the
   *  directory cannot postpone the check forever. */
  readonly maxWaitMs?: number;
  /** Interval of the stat poll that backs up the directory watch; 0 turns it off. */
  readonly pollMs?: number;
  readonly log?: Logger;
}

export interface FileWatcher {
  /** Whether the directory watch is running (false: only the stat poll is left). */
  readonly watchingDirectory: boolean;
  close(): void;
}

/**
 * Calls `onChange` (debounced) when the file at `path` may have changed. The caller compares
 * content (a hash), so a spurious call costs one read.
 *
 * Editors and Kubernetes replace files rather than write them in place: a rename over the
 * file (vim, VS Code, `mv`), or a ConfigMap volume's `..data` symlink swapped to a new
 * timestamped directory while `policy.yaml -> ..data/policy.yaml` itself never changes. A watch
 * on the file's inode would miss the first and lose track after either, so the directory is
 * watched: events naming the file, any `..`-prefixed entry (the ConfigMap machinery), the
 * file's symlink target when it lives in the same directory, or no name at all schedule a
 * check. Other entries (an audit file written on every request, editor swap files) do not.
 * A slow stat poll backs this up: for symlink targets outside the directory, file systems
 * without inotify events (some network mounts), and a directory watch that failed.
 */
export function watchPolicyFile(path: string, onChange: () => void, options: WatchOptions = {}): FileWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const maxWaitMs = Math.max(debounceMs, options.maxWaitMs ?? 1_000);
  const pollMs = options.pollMs ?? 2_000;
  const file = resolve(path);
  const dir = dirname(file);
  const name = basename(file);

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let burstStart: number | undefined;
  const fire = () => {
    timer = undefined;
    burstStart = undefined;
    if (closed) return;
    try {
      onChange();
    } finally {
      target = sameDirTarget();
    }
  };
  const schedule = () => {
    if (closed) return;
    const now = Date.now();
    burstStart ??= now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, burstStart + maxWaitMs - now)));
  };

  // `policy.yaml -> policy-v2.yaml` in the same directory: an in-place edit of the target
  // names the target. Resolved again after each check, as the link may be retargeted (which
  // renames over `name`, an event of its own).
  const sameDirTarget = (): string | undefined => {
    try {
      const target = realpathSync(file);
      return dirname(target) === realpathSync(dir) && basename(target) !== name ? basename(target) : undefined;
    } catch {
      return undefined;
    }
  };
  let target = sameDirTarget();
  const relevant = (entry: string | null): boolean => entry === null || entry === name || entry.startsWith('..') || entry === target;

  let dirWatcher: FSWatcher | undefined;
  try {
    dirWatcher = watch(dir, { persistent: false }, (_event, entry) => {
      if (relevant(entry)) schedule();
    });
    dirWatcher.on('error', (err: NodeJS.ErrnoException) => {
      options.log?.warn({ dir, code: err.code }, 'policy directory watch failed: falling back to polling the file');
      dirWatcher?.close();
      dirWatcher = undefined;
      schedule();
    });
  } catch (err) {
    options.log?.warn({ dir, code: (err as NodeJS.ErrnoException).code }, 'policy directory cannot be watched: polling the file instead');
    dirWatcher = undefined;
  }

  // Polls even with the directory watch running (see above); with no directory watch at all it
  // is the only signal, so it never stays off then.
  const interval = pollMs > 0 ? pollMs : dirWatcher ? 0 : 2_000;
  const onStat = (curr: Stats, prev: Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.ctimeMs !== prev.ctimeMs || curr.ino !== prev.ino || curr.size !== prev.size) schedule();
  };
  if (interval > 0) watchFile(file, { interval, persistent: false }, onStat);

  return {
    get watchingDirectory() {
      return dirWatcher !== undefined;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      dirWatcher?.close();
      dirWatcher = undefined;
      if (interval > 0) unwatchFile(file, onStat);
    },
  };
}
