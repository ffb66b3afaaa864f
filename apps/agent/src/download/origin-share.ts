/**
 * The connections this process holds to one origin across its downloads, and how many the origin was seen to
 * allow. Why: a server capping connections per client (429/503 beyond) is shared by every download from it;
 * without a common count the first download to grow takes every slot and the others are refused down to one
 * connection each. With it, each of n downloads is capped at its fair share of the learnt limit, and the
 * share grows again when one of them ends. Forgotten once no download uses the origin (a limit learnt from a
 * passing overload does not cripple the next provisioning).
 */
export class OriginShare {
  private downloads = 0;
  /** Connections held now, all downloads together. */
  active = 0;
  /** The most connections the origin was seen to allow; unknown until it refused one. */
  private limit = Number.POSITIVE_INFINITY;

  private constructor(private readonly origin: string) {}

  private static readonly shares = new Map<string, OriginShare>();

  /** The share of `origin`, counting one more download until leave(). */
  static join(origin: string): OriginShare {
    let share = OriginShare.shares.get(origin);
    if (!share) {
      share = new OriginShare(origin);
      OriginShare.shares.set(origin, share);
    }
    share.downloads++;
    return share;
  }

  leave(): void {
    if (--this.downloads === 0) OriginShare.shares.delete(this.origin);
  }

  /** A request was refused as too many while `active` connections were held: the origin allows fewer. */
  refused(): void {
    this.limit = Math.min(this.limit, Math.max(1, this.active - 1));
  }

  /**
   * A download at its fair share still gained from each growth: the origin may allow one more than was
   * learnt (a refusal that raced a finishing response counts one too few), so the limit creeps up by one;
   * a refusal takes it down again.
   */
  wantsMore(): void {
    if (Number.isFinite(this.limit)) this.limit++;
  }

  /** Most connections one download should hold: its fair part of the learnt limit (at least one). */
  fairShare(): number {
    return Math.max(1, Math.floor(this.limit / Math.max(1, this.downloads)));
  }
}
