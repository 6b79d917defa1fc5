// What the codebook's figures (tile grid, usage chart) share: each code's usage and the order to
// show them in, the chosen and hovered code, the codes in the chosen image, and how a figure
// chooses or hovers a code. One object, so the view hands both figures the same.

export interface CodeChoice {
  usage: number[];
  order: number[];
  selected: number | null;
  hovered: number | null;
  inImage: Set<number>;
  onselect: (code: number) => void;
  onhover: (code: number | null) => void;
}
