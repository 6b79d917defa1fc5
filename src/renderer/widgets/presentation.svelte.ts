// Presentation mode, for teaching from a projector: the window hides its side panels and status
// bar and enlarges what is left; the latent view shows the probe's decoded image large and takes
// the probe and the path's steps from the keyboard (a presenter's remote sends PageUp/PageDown).
/** How much larger presentation mode draws the view (CSS zoom on the window's main area). */
export const PRESENTATION_ZOOM = 1.25;

class Presentation {
  on = $state(false);

  toggle(): void {
    this.on = !this.on;
  }
}

export const presentation = new Presentation();
