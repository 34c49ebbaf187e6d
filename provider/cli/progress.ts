/**
 * A progress line on stderr for runs that take more than a second, on a terminal only. Planning is
 * synchronous, so the line is also redrawn at each stage boundary (`step`), not only by the timer,
 * which can only tick while the CLI waits on git or the disk.
 */

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A spinner line that appears after `delayMs` and is cleared by `stop`. */
export class Progress {
  private label = "";
  private frame = 0;
  private shown = false;
  private readonly started = Date.now();
  private delay: ReturnType<typeof setTimeout> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly write: (s: string) => void,
    private readonly enabled: boolean,
    private readonly delayMs = 1000,
  ) {
    if (!enabled) return;
    this.delay = setTimeout(() => {
      this.draw();
      this.tick = setInterval(() => this.draw(), 100);
      this.tick.unref?.();
    }, delayMs);
    this.delay.unref?.();
  }

  /** Names the stage now running; redraws at once when the run is already slow. */
  step(label: string): void {
    this.label = label;
    if (this.enabled && Date.now() - this.started >= this.delayMs) this.draw();
  }

  private draw(): void {
    this.shown = true;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    this.write(`\r\u001b[K${FRAMES[this.frame++ % FRAMES.length]} ${this.label} (${secs}s)`);
  }

  /** Removes the line; call before writing results. */
  stop(): void {
    if (this.delay) clearTimeout(this.delay);
    if (this.tick) clearInterval(this.tick);
    if (this.shown) this.write("\r\u001b[K");
    this.shown = false;
  }
}

/** Lets timers fire between synchronous stages. */
export const yieldToTimers = () => new Promise<void>((r) => setImmediate(r));
