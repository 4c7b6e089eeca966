// A lost GPU device never settles the read-backs in flight on it: a run races each read-back
// against this signal, which the worker rejects when the device goes, so the loop wakes and
// recovers (or ends) instead of waiting forever.
export class LostSignal {
  private rejectIt: (e: Error) => void = () => undefined;
  readonly promise = new Promise<never>((_, reject) => (this.rejectIt = reject));

  constructor() {
    this.promise.catch(() => undefined); // observed through guard(), never unhandled
  }

  /** The device is gone: every guarded read-back still pending, now or later, rejects with this message. */
  reject(message: string): void {
    this.rejectIt(new Error(`GPU device lost: ${message}`));
  }

  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.promise]);
  }
}
