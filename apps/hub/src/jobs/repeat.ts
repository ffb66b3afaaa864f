/**
 * Runs `pass` every `everyMs`, never overlapping (the next wait starts when a pass ends); a failing pass is
 * handed to `onError` and the schedule goes on. The timer never keeps the process alive. Returns a stop
 * function (a pass under way finishes; no new one starts).
 */
export function repeatEvery(
  everyMs: number,
  pass: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(tick, everyMs);
    timer.unref();
  };
  const tick = async () => {
    await pass().catch(onError);
    if (!stopped) schedule();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
