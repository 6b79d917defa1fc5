// Pointer positions on an element that shows a grid (28×28 pixels, a 7×7 or 8×8 code map), in
// grid units: 0 at the left/top edge, `side` (or `rows`) at the right/bottom, fractional in between.

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

/** The pointer in grid units of a grid `side` cells across and `rows` down (square by default). */
export function gridPoint(event: PointerAt, element: Boxed, side: number, rows = side): PixelPoint {
  const box = element.getBoundingClientRect();
  return { x: ((event.clientX - box.left) / box.width) * side, y: ((event.clientY - box.top) / box.height) * rows };
}

/** The cell (row-major) under a grid point of a grid `side` cells across and `rows` down, or null outside it. */
export function gridCell(point: PixelPoint, side: number, rows = side): number | null {
  const [x, y] = [Math.floor(point.x), Math.floor(point.y)];
  return x >= 0 && y >= 0 && x < side && y < rows ? y * side + x : null;
}
