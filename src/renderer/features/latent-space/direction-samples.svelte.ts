// The two test samples a direction of the Dimensions tool runs between (A → B), shared with the
// map: in "pick on map" mode a click on a point makes it A, the next click B, and both are
// highlighted on the map while the direction between samples is shown.

class DirectionSamples {
  /** Test-image indices of A and B. */
  from = $state(0);
  to = $state(1);
  /** Which end the next click on the map sets; null when a click does what it usually does. */
  picking = $state<'from' | 'to' | null>(null);
  /** Whether the map marks A and B (the direction between two samples is the one shown). */
  shown = $state(false);

  /** Starts picking on the map (A first), or stops it. */
  togglePicking(): void {
    this.picking = this.picking ? null : 'from';
  }

  /** A point of the map was clicked: it becomes A, then B (picking ends). False when not picking (or A and B are not shown). */
  pick(index: number): boolean {
    if (!this.shown) this.picking = null;
    if (this.picking === 'from') [this.from, this.picking] = [index, 'to'];
    else if (this.picking === 'to') [this.to, this.picking] = [index, null];
    else return false;
    return true;
  }
}

export const directionSamples = new DirectionSamples();
