// Pointer positions on a square element that shows a grid (28×28 pixels, a 7×7 code map), in
// grid units: 0 at the left/top edge, `side` at the right/bottom, fractional in between.

/** Where the pointer is, in grid units (image pixels: 0–28 across, fractional). */
export interface PixelPoint {
  x: number;
  y: number;
}

/** What gridPoint reads of a pointer event and of an element (typed structurally: no DOM needed). */
interface PointerAt {
  clientX: number;
  clientY: number;
}
interface Boxed {
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

export function gridPoint(event: PointerAt, element: Boxed, side: number): PixelPoint {
  const box = element.getBoundingClientRect();
  return { x: ((event.clientX - box.left) / box.width) * side, y: ((event.clientY - box.top) / box.height) * side };
}

/** The cell under a grid point, or null outside the grid. */
export function gridCell(point: PixelPoint, side: number): number | null {
  const [x, y] = [Math.floor(point.x), Math.floor(point.y)];
  return x >= 0 && y >= 0 && x < side && y < side ? y * side + x : null;
}
