/** A promise that can be re-armed: wait() resolves at the next notify(). */
export class Signal {
  private resolve: () => void = () => {};
  private promise = this.arm();
  private arm(): Promise<void> {
    return new Promise((r) => {
      this.resolve = r;
    });
  }
  wait(): Promise<void> {
    return this.promise;
  }
  notify(): void {
    this.resolve();
    this.promise = this.arm();
  }
}
